import { expect, it } from 'vitest';
import type { ConversionRule } from '../../core/numbers/conversion.ts';
import { describeEachEngine, testOrganization, testUser } from '../test-engines.ts';

const r = (prefix: string, digits: number, rewrite: string, ranges: Array<{ from: string; to: string }> = []): ConversionRule => ({
  prefix,
  digits,
  ranges,
  rewrite,
});

describeEachEngine('number conversion repository', (get) => {
  it('stores each target’s rules in the given order and lists them per level and target, inside the organization only', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const other = await testOrganization(store);
    const userId = await testUser(store, orgId);
    const group = await store.groups.create(orgId, { name: 'Sales' });
    const orgRules = [r('00', 10, '+'), r('', 8, '+45'), r('20', 1, '+458877317', [{ from: '0', to: '9' }])];
    await store.numberConversion.setRules(orgId, 'organization', orgId, orgRules);
    await store.numberConversion.setRules(orgId, 'group', group.id, [r('1', 3, '+451')]);
    await store.numberConversion.setRules(orgId, 'user', userId, [
      r('2', 2, '+4588', [
        { from: '07', to: '15' },
        { from: '17', to: '29' },
      ]),
    ]);
    await store.numberConversion.setRules(other, 'organization', other, [r('9', 1, '+46')]);

    expect(await store.numberConversion.list(orgId)).toEqual([
      { level: 'organization', targetId: orgId, rules: orgRules },
      { level: 'group', targetId: group.id, rules: [r('1', 3, '+451')] },
      {
        level: 'user',
        targetId: userId,
        rules: [
          r('2', 2, '+4588', [
            { from: '07', to: '15' },
            { from: '17', to: '29' },
          ]),
        ],
      },
    ]);
    expect(await store.numberConversion.list(orgId, 'group')).toEqual([{ level: 'group', targetId: group.id, rules: [r('1', 3, '+451')] }]);
    expect(await store.numberConversion.list(orgId, 'organization', orgId)).toEqual([{ level: 'organization', targetId: orgId, rules: orgRules }]);
    expect(await store.numberConversion.list(orgId, 'user', group.id)).toEqual([]);
    expect(await store.numberConversion.list(other)).toEqual([{ level: 'organization', targetId: other, rules: [r('9', 1, '+46')] }]);
  });

  it('replaces a target’s list as a whole, and an empty list removes it', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    await store.numberConversion.setRules(orgId, 'organization', orgId, [r('1', 3, '+451'), r('2', 3, '+452'), r('3', 3, '+453')]);
    await store.numberConversion.setRules(orgId, 'organization', orgId, [r('3', 3, '+4533'), r('1', 3, '+4511')]);
    expect((await store.numberConversion.list(orgId, 'organization', orgId))[0]?.rules).toEqual([r('3', 3, '+4533'), r('1', 3, '+4511')]);
    await store.numberConversion.setRules(orgId, 'organization', orgId, []);
    expect(await store.numberConversion.list(orgId)).toEqual([]);
  });

  it('keeps the old list when the new one cannot be stored', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    await store.numberConversion.setRules(orgId, 'organization', orgId, [r('1', 3, '+451')]);
    await expect(store.numberConversion.setRules(orgId, 'organization', orgId, [r('2', 3, '+452'), r('3', 99, '+453')])).rejects.toThrow();
    expect((await store.numberConversion.list(orgId))[0]?.rules).toEqual([r('1', 3, '+451')]);
  });

  it('lets concurrent replacements of one list both finish, the list being one of them whole', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const a = [r('1', 3, '+451'), r('2', 3, '+452')];
    const b = [r('7', 3, '+457')];
    await Promise.all([
      store.numberConversion.setRules(orgId, 'organization', orgId, a),
      store.numberConversion.setRules(orgId, 'organization', orgId, b),
      store.transaction((tx) => tx.numberConversion.setRules(orgId, 'organization', orgId, a)),
    ]);
    const rules = (await store.numberConversion.list(orgId))[0]?.rules;
    expect([a, b]).toContainEqual(rules);
  });

  it('removes a user’s and a group’s rules when the user or group is deleted', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const userId = await testUser(store, orgId);
    const keep = await testUser(store, orgId);
    const group = await store.groups.create(orgId, { name: 'Gone' });
    await store.numberConversion.setRules(orgId, 'organization', orgId, [r('1', 3, '+451')]);
    await store.numberConversion.setRules(orgId, 'user', userId, [r('2', 3, '+452')]);
    await store.numberConversion.setRules(orgId, 'user', keep, [r('4', 3, '+454')]);
    await store.numberConversion.setRules(orgId, 'group', group.id, [r('3', 3, '+453')]);
    await store.transaction((tx) => tx.users.delete(orgId, userId));
    await store.transaction((tx) => tx.groups.delete(orgId, group.id));
    expect((await store.numberConversion.list(orgId)).map((s) => [s.level, s.targetId])).toEqual([
      ['organization', orgId],
      ['user', keep],
    ]);
  });

  it('bumps the organization’s data version when rules change', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const v0 = await store.snapshots.dataVersion(orgId);
    await store.numberConversion.setRules(orgId, 'organization', orgId, [r('1', 3, '+451')]);
    const v1 = await store.snapshots.dataVersion(orgId);
    expect(v1).toBeGreaterThan(v0);
    await store.numberConversion.setRules(orgId, 'organization', orgId, []);
    expect(await store.snapshots.dataVersion(orgId)).toBeGreaterThan(v1);
  });
});
