import { expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeEachEngine, uniqueSuffix } from '../test-engines.ts';

async function orgWithUsers(store: Store, n = 1) {
  const s = uniqueSuffix();
  const org = await store.organizations.create({ name: `Org ${s}`, slug: `org-${s}`, timeZone: 'UTC', defaultLanguage: 'en', sipDomain: `org-${s}.test` });
  const userIds: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const u = await store.users.create(org.id, {
      username: `u${i}-${s}@example.test`,
      firstName: 'U',
      lastName: `${i}`,
      language: 'en',
      license: 'standard',
      role: 'user',
      allowedApps: [],
      directoryFields: ['', '', '', '', '', ''],
    });
    userIds.push(u.id);
  }
  return { orgId: org.id, userIds };
}

describeEachEngine('directory moderation repository', (get) => {
  it('queues a request, replaces a still-pending one for the same field, and decides it once', async () => {
    const { store } = get();
    const { orgId, userIds } = await orgWithUsers(store);
    const uid = userIds[0]!;
    const first = await store.directory.request(orgId, uid, 2, '', 'Volvo');
    const second = await store.directory.request(orgId, uid, 2, '', 'Saab');
    await store.directory.request(orgId, uid, 4, '', 'Team A');
    expect(await store.directory.get(orgId, first.id)).toBeUndefined();
    const pending = await store.directory.list(orgId, { limit: 50, offset: 0, status: 'pending' });
    expect(pending.items.map((r) => [r.field, r.new_value])).toEqual([
      [2, 'Saab'],
      [4, 'Team A'],
    ]);
    const at = new Date('2026-03-01T12:00:00Z');
    const decided = await store.directory.decide(orgId, second.id, 'approved', 'admin-1', at);
    expect(decided).toMatchObject({ status: 'approved', decided_by: 'admin-1', decided_at: at });
    expect(await store.directory.decide(orgId, second.id, 'rejected', 'admin-2', at)).toBeUndefined();
    expect((await store.directory.list(orgId, { limit: 50, offset: 0, status: 'approved' })).total).toBe(1);
    // A decided request is history: a new request for the same field does not remove it.
    await store.directory.request(orgId, uid, 2, 'Saab', 'Audi');
    expect(await store.directory.get(orgId, second.id)).toMatchObject({ status: 'approved' });
  });

  it('never shows or decides another organization’s requests', async () => {
    const { store } = get();
    const a = await orgWithUsers(store);
    const b = await orgWithUsers(store);
    const req = await store.directory.request(a.orgId, a.userIds[0]!, 1, '', 'x');
    expect(await store.directory.get(b.orgId, req.id)).toBeUndefined();
    expect(await store.directory.decide(b.orgId, req.id, 'approved', 'someone', new Date())).toBeUndefined();
    expect((await store.directory.list(b.orgId, { limit: 50, offset: 0 })).total).toBe(0);
    expect(await store.directory.get(a.orgId, req.id)).toMatchObject({ status: 'pending' });
  });

  it('filters by user and by a group admin’s groups', async () => {
    const { store } = get();
    const { orgId, userIds } = await orgWithUsers(store, 2);
    const [u0, u1] = userIds as [string, string];
    const sales = await store.groups.create(orgId, { name: 'Sales' });
    await store.groups.setUserGroups(orgId, u0, [sales.id]);
    await store.directory.request(orgId, u0, 1, '', 'a');
    await store.directory.request(orgId, u1, 1, '', 'b');
    const all = { limit: 50, offset: 0 };
    expect((await store.directory.list(orgId, { ...all, withinGroups: [sales.id] })).items.map((r) => r.user_id)).toEqual([u0]);
    expect((await store.directory.list(orgId, { ...all, withinGroups: [] })).total).toBe(0);
    expect((await store.directory.list(orgId, { ...all, userId: u1 })).items.map((r) => r.new_value)).toEqual(['b']);
    expect((await store.directory.list(orgId, all)).total).toBe(2);
  });
});
