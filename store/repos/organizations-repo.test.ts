import { expect, it } from 'vitest';
import { describeEachEngine, uniqueSuffix } from '../test-engines.ts';

describeEachEngine('organizations repository', (get) => {
  it('creates, reads, updates and deletes an organization', async () => {
    const { store } = get();
    const s = uniqueSuffix();
    const org = await store.organizations.create({
      name: 'Acme',
      slug: `acme-${s}`,
      timeZone: 'Europe/Copenhagen',
      defaultLanguage: 'da',
      sipDomain: `Acme-${s}.example.net`,
    });
    expect(org.sip_domain).toBe(`acme-${s}.example.net`);
    expect(org.directory_field_names).toHaveLength(6);
    const updated = await store.organizations.update(org.id, { name: 'Acme A/S', directoryFieldNames: ['Cars', 'Languages', 'Skills', 'D', 'E', 'F'] });
    expect(updated?.name).toBe('Acme A/S');
    expect(updated?.directory_field_names[0]).toBe('Cars');
    expect(await store.organizations.delete(org.id)).toBe(true);
    expect(await store.organizations.get(org.id)).toBeUndefined();
  });

  it('refuses a second organization with the same SIP domain', async () => {
    const { store } = get();
    const s = uniqueSuffix();
    await store.organizations.create({ name: 'A', slug: `a-${s}`, timeZone: 'UTC', defaultLanguage: 'en', sipDomain: `d-${s}.test` });
    await expect(
      store.organizations.create({ name: 'B', slug: `b-${s}`, timeZone: 'UTC', defaultLanguage: 'en', sipDomain: `d-${s}.test` }),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('keeps the audit log append-only even for the application', async () => {
    const { store, connection } = get();
    await store.audit.append(null, {
      actorKind: 'system',
      actorId: 'test',
      actorName: 'test',
      action: 'test.append',
      resourceType: 'test',
      resourceId: null,
      before: null,
      after: { a: 1 },
    });
    await expect(connection.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await expect(connection.db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/append-only/);
  });

  it('rolls back every write of a failed transaction', async () => {
    const { store } = get();
    const s = uniqueSuffix();
    await expect(
      store.transaction(async (tx) => {
        await tx.organizations.create({ name: 'T', slug: `t-${s}`, timeZone: 'UTC', defaultLanguage: 'en', sipDomain: `t-${s}.test` });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const page = await store.organizations.listForProvider({ limit: 10, offset: 0, q: `t-${s}` });
    expect(page.total).toBe(0);
  });
});
