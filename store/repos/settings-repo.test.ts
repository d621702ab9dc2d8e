import { expect, it } from 'vitest';
import { describeEachEngine, testOrganization as org, testUser as user } from '../test-engines.ts';

describeEachEngine('settings repository', (get) => {
  it('puts, overwrites, reads and removes a value on one level', async () => {
    const { store } = get();
    const orgId = await org(store);
    await store.settings.put(orgId, 'organization', orgId, 'transfer.ring_time_seconds', 30);
    await store.settings.put(orgId, 'organization', orgId, 'transfer.ring_time_seconds', 45);
    await store.settings.put(orgId, 'organization', orgId, 'applications.allowed', ['ipad']);
    expect(await store.settings.get(orgId, 'organization', orgId)).toEqual([
      { key: 'applications.allowed', value: ['ipad'] },
      { key: 'transfer.ring_time_seconds', value: 45 },
    ]);
    expect((await store.settings.getOne(orgId, 'organization', orgId, 'transfer.ring_time_seconds'))?.value).toBe(45);
    expect((await store.settings.list(orgId, 'organization', orgId))[0]?.updatedAt).toBeInstanceOf(Date);
    expect(await store.settings.remove(orgId, 'organization', orgId, 'transfer.ring_time_seconds')).toBe(true);
    expect(await store.settings.remove(orgId, 'organization', orgId, 'transfer.ring_time_seconds')).toBe(false);
    expect(await store.settings.getOne(orgId, 'organization', orgId, 'transfer.ring_time_seconds')).toBeUndefined();
  });

  it('gathers the organization, each group of the user and the user, and nothing of other users or tenants', async () => {
    const { store } = get();
    const orgId = await org(store);
    const otherOrg = await org(store);
    const u = await user(store, orgId);
    const someoneElse = await user(store, orgId);
    const sales = await store.groups.create(orgId, { name: 'Sales' });
    const support = await store.groups.create(orgId, { name: 'Support' });
    const notMine = await store.groups.create(orgId, { name: 'Not mine' });
    await store.groups.addMembers(orgId, sales.id, [u]);
    await store.groups.addMembers(orgId, support.id, [u]);
    await store.settings.put(orgId, 'organization', orgId, 'k.org', 1);
    await store.settings.put(otherOrg, 'organization', otherOrg, 'k.other', 1);
    await store.settings.put(orgId, 'group', sales.id, 'k.sales', 2);
    await store.settings.put(orgId, 'group', notMine.id, 'k.notmine', 3);
    await store.settings.put(orgId, 'user', u, 'k.user', 4);
    await store.settings.put(orgId, 'user', someoneElse, 'k.else', 5);
    const layers = await store.settings.layersForUserIfExists(orgId, u);
    expect(layers?.organization).toEqual([{ key: 'k.org', value: 1 }]);
    expect(layers?.user).toEqual([{ key: 'k.user', value: 4 }]);
    expect(layers?.groups.map((g) => [g.groupName, g.priority, g.entries]).sort()).toEqual([
      ['Sales', 1, [{ key: 'k.sales', value: 2 }]],
      ['Support', 2, []],
    ]);
  });

  it('answers undefined for a user of another organization and empty layers for a user without groups', async () => {
    const { store } = get();
    const orgId = await org(store);
    const otherOrg = await org(store);
    const stranger = await user(store, otherOrg);
    expect(await store.settings.layersForUserIfExists(orgId, stranger)).toBeUndefined();
    expect(await store.settings.layersForUser(orgId, stranger)).toEqual({ organization: [], groups: [], user: [] });
    const loner = await user(store, orgId);
    expect(await store.settings.layersForUserIfExists(orgId, loner)).toEqual({ organization: [], groups: [], user: [] });
  });

  it('removes a group id from list values of the given keys only', async () => {
    const { store } = get();
    const orgId = await org(store);
    const u = await user(store, orgId);
    await store.settings.put(orgId, 'organization', orgId, 'pickup.groups', ['g1', 'g2']);
    await store.settings.put(orgId, 'user', u, 'pickup.groups', ['g2']);
    await store.settings.put(orgId, 'user', u, 'other.list', ['g2']);
    await store.settings.put(orgId, 'user', u, 'scalar', 'g2');
    expect(await store.settings.removeSetMember(orgId, ['pickup.groups', 'scalar'], 'g2')).toBe(2);
    expect(await store.settings.get(orgId, 'organization', orgId)).toEqual([{ key: 'pickup.groups', value: ['g1'] }]);
    expect(await store.settings.get(orgId, 'user', u)).toEqual([
      { key: 'other.list', value: ['g2'] },
      { key: 'pickup.groups', value: [] },
      { key: 'scalar', value: 'g2' },
    ]);
  });
});
