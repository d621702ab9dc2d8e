import { sql } from 'kysely';
import type { SettingLevelColumn } from '../database.ts';
import type { Executor } from './executor.ts';

export interface StoredSetting {
  key: string;
  value: unknown;
}

export interface UserSettingLayers {
  organization: StoredSetting[];
  groups: { groupId: string; groupName: string; priority: number; entries: StoredSetting[] }[];
  user: StoredSetting[];
}

/** Setting values stored per level (organization, group, user). */
export function settingsRepo(db: Executor) {
  return {
    async get(orgId: string, level: SettingLevelColumn, targetId: string): Promise<StoredSetting[]> {
      const rows = await db.selectFrom('settings').select(['key', 'value']).where('org_id', '=', orgId).where('level', '=', level).where('target_id', '=', targetId).orderBy('key').execute();
      return rows;
    },
    async put(orgId: string, level: SettingLevelColumn, targetId: string, key: string, value: unknown): Promise<void> {
      await db
        .insertInto('settings')
        .values({ org_id: orgId, level, target_id: targetId, key, value: JSON.stringify(value) })
        .onConflict((oc) => oc.columns(['org_id', 'level', 'target_id', 'key']).doUpdateSet({ value: JSON.stringify(value), updated_at: sql`now()` }))
        .execute();
    },
    async remove(orgId: string, level: SettingLevelColumn, targetId: string, key: string): Promise<boolean> {
      const res = await db.deleteFrom('settings').where('org_id', '=', orgId).where('level', '=', level).where('target_id', '=', targetId).where('key', '=', key).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    /** Every layer that can affect one user's effective settings, in one round trip. */
    async layersForUser(orgId: string, userId: string): Promise<UserSettingLayers> {
      const [rows, groups] = await Promise.all([
        db
          .selectFrom('settings')
          .select(['level', 'target_id', 'key', 'value'])
          .where('org_id', '=', orgId)
          .where((eb) =>
            eb.or([
              eb('level', '=', 'organization'),
              eb.and([eb('level', '=', 'user'), eb('target_id', '=', userId)]),
              eb.and([eb('level', '=', 'group'), eb('target_id', 'in', eb.selectFrom('group_members').select('group_id').where('org_id', '=', orgId).where('user_id', '=', userId))]),
            ]),
          )
          .execute(),
        db
          .selectFrom('user_groups')
          .innerJoin('group_members', 'group_members.group_id', 'user_groups.id')
          .select(['user_groups.id', 'user_groups.name', 'user_groups.priority'])
          .where('user_groups.org_id', '=', orgId)
          .where('group_members.user_id', '=', userId)
          .execute(),
      ]);
      return {
        organization: rows.filter((r) => r.level === 'organization').map(({ key, value }) => ({ key, value })),
        user: rows.filter((r) => r.level === 'user').map(({ key, value }) => ({ key, value })),
        groups: groups.map((g) => ({
          groupId: g.id,
          groupName: g.name,
          priority: g.priority,
          entries: rows.filter((r) => r.level === 'group' && r.target_id === g.id).map(({ key, value }) => ({ key, value })),
        })),
      };
    },
  };
}
