import { expect, it } from 'vitest';
import { describeEachEngine, testOrganization as org, testUser as user } from '../test-engines.ts';

describeEachEngine('groups repository', (get) => {
  it('creates groups at the lowest priority and reorders them to 1..n in one statement', async () => {
    const { store } = get();
    const orgId = await org(store);
    const a = await store.groups.create(orgId, { name: 'A' });
    const b = await store.groups.create(orgId, { name: 'B' });
    const c = await store.groups.create(orgId, { name: 'C' });
    expect([a.priority, b.priority, c.priority]).toEqual([1, 2, 3]);
    await store.groups.reorder(orgId, [c.id, a.id, b.id]);
    expect(await store.groups.orderedIds(orgId)).toEqual([c.id, a.id, b.id]);
    expect((await store.groups.get(orgId, c.id))?.priority).toBe(1);
    expect((await store.groups.get(orgId, b.id))?.priority).toBe(3);
  });

  it('never reorders or reads another organization’s groups', async () => {
    const { store } = get();
    const mine = await org(store);
    const theirs = await org(store);
    const g = await store.groups.create(theirs, { name: 'Theirs' });
    await store.groups.reorder(mine, [g.id]);
    expect((await store.groups.get(theirs, g.id))?.priority).toBe(1);
    expect(await store.groups.get(mine, g.id)).toBeUndefined();
    expect(await store.groups.existing(mine, [g.id])).toEqual([]);
    expect((await store.groups.list(mine, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('finds a name ignoring case, except the group itself', async () => {
    const { store } = get();
    const orgId = await org(store);
    const g = await store.groups.create(orgId, { name: 'Sales' });
    expect((await store.groups.findByName(orgId, 'SALES'))?.id).toBe(g.id);
    expect(await store.groups.findByName(orgId, 'sales', g.id)).toBeUndefined();
    await expect(store.groups.create(orgId, { name: 'Sales' })).rejects.toMatchObject({ code: '23505' });
  });

  it('counts members and lists administered groups', async () => {
    const { store } = get();
    const orgId = await org(store);
    const admins = await store.groups.create(orgId, { name: 'Admins' });
    const t1 = await store.groups.create(orgId, { name: 'T1' });
    const t2 = await store.groups.create(orgId, { name: 'T2' });
    const [u1, u2] = [await user(store, orgId), await user(store, orgId)];
    expect(await store.groups.addMembers(orgId, t1.id, [u1, u2])).toBe(2);
    expect(await store.groups.addMembers(orgId, t1.id, [u1])).toBe(0);
    await store.groups.addMembers(orgId, admins.id, [u1]);
    await store.groups.setAdministeredGroups(orgId, admins.id, [t2.id, t1.id]);
    const got = await store.groups.get(orgId, admins.id);
    expect(got?.administersGroupIds).toEqual([t1.id, t2.id].sort());
    expect((await store.groups.get(orgId, t1.id))?.memberCount).toBe(2);
    expect((await store.groups.administeredGroupIds(orgId, u1)).sort()).toEqual([t1.id, t2.id].sort());
    expect(await store.groups.administeredGroupIds(orgId, u2)).toEqual([]);
    expect(await store.groups.removeMembers(orgId, t1.id, [u2])).toBe(1);
    expect(await store.groups.memberIds(orgId, t1.id)).toEqual([u1]);
  });

  it('deletes a group with its members, scopes and group-level settings', async () => {
    const { store } = get();
    const orgId = await org(store);
    const g = await store.groups.create(orgId, { name: 'Doomed' });
    const other = await store.groups.create(orgId, { name: 'Other' });
    const u = await user(store, orgId);
    await store.groups.addMembers(orgId, g.id, [u]);
    await store.groups.setAdministeredGroups(orgId, other.id, [g.id]);
    await store.settings.put(orgId, 'group', g.id, 'sms.allowed', true);
    expect(await store.groups.delete(orgId, g.id)).toBe(true);
    expect(await store.groups.groupIdsOfUser(orgId, u)).toEqual([]);
    expect((await store.groups.get(orgId, other.id))?.administersGroupIds).toEqual([]);
    expect(await store.settings.get(orgId, 'group', g.id)).toEqual([]);
    expect(await store.groups.delete(orgId, g.id)).toBe(false);
  });
});
