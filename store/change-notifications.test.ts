import { expect, it } from 'vitest';
import { describeEachEngine, uniqueSuffix } from './test-engines.ts';

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for a notification');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachEngine('change notifications', (get) => {
  it('announces the organization whose data changed, once per statement, after commit', async () => {
    const { store, connection } = get();
    const s = uniqueSuffix();
    const org = await store.organizations.create({ name: 'N', slug: `n-${s}`, timeZone: 'UTC', defaultLanguage: 'en', sipDomain: `n-${s}.test` });
    const seen: string[] = [];
    await connection.listen(
      'vaxel_org_data',
      (p) => seen.push(p),
      () => undefined,
    );
    await store.groups.create(org.id, { name: 'G' });
    await waitFor(() => seen.includes(org.id));
    const before = await store.snapshots.dataVersion(org.id);
    await store.settings.put(org.id, 'organization', org.id, 'sms.allowed', true);
    expect(await store.snapshots.dataVersion(org.id)).toBe(before + 1);
  });

  it('announces credential changes and tells nothing before the transaction commits', async () => {
    const { store, connection } = get();
    const seen: string[] = [];
    await connection.listen(
      'vaxel_auth',
      (p) => seen.push(p),
      () => undefined,
    );
    const admin = await store.auth.upsertProviderAdmin(`p-${uniqueSuffix()}@x.test`, 'P', 'hash');
    const token = await store.auth.createApiToken({ tokenHash: `h-${uniqueSuffix()}`, kind: 'provider', principalId: admin.id, orgId: null, name: 't' });
    seen.length = 0;
    await expect(
      store.transaction(async (tx) => {
        await tx.auth.revokeApiToken('provider', admin.id, token.id, new Date());
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    await store.auth.revokeApiToken('provider', admin.id, token.id, new Date());
    await waitFor(() => seen.includes('api_tokens'));
  });
});
