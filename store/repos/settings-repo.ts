import { sql } from 'kysely';
import type { SettingLevelColumn } from '../database.ts';
import type { Executor } from './executor.ts';

export interface StoredSetting {
  key: string;
  value: unknown;
}

export interface StoredSettingRow extends StoredSetting {
  updatedAt: Date;
}

export interface UserSettingLayers {
  organization: StoredSetting[];
  groups: { groupId: string; groupName: string; priority: number; entries: StoredSetting[] }[];
  user: StoredSetting[];
}

/** Setting values stored per level (organization, group, user). */
export function settingsRepo(db: Executor) {
  /**
   * Every layer that can affect one user's effective settings, or undefined when the user does not
   * exist in the organization. Two index-driven queries, whatever the size of the organization.
   */
  async function layersForUserIfExists(orgId: string, userId: string): Promise<UserSettingLayers | undefined> {
    const memberships = await db
      .selectFrom('users')
      .leftJoin('group_members', (j) => j.onRef('group_members.org_id', '=', 'users.org_id').onRef('group_members.user_id', '=', 'users.id'))
      .leftJoin('user_groups', (j) => j.onRef('user_groups.org_id', '=', 'group_members.org_id').onRef('user_groups.id', '=', 'group_members.group_id'))
      .select(['user_groups.id as group_id', 'user_groups.name as group_name', 'user_groups.priority as priority'])
      .where('users.org_id', '=', orgId)
      .where('users.id', '=', userId)
      .execute();
    if (memberships.length === 0) return undefined;
    const groups = memberships.flatMap((m) =>
      m.group_id !== null && m.group_name !== null && m.priority !== null ? [{ groupId: m.group_id, groupName: m.group_name, priority: m.priority }] : [],
    );
    const select = () => db.selectFrom('settings').select(['level', 'target_id', 'key', 'value']).where('org_id', '=', orgId);
    let query = select()
      .where('level', '=', 'organization')
      .unionAll(select().where('level', '=', 'user').where('target_id', '=', userId));
    if (groups.length > 0) {
      query = query.unionAll(
        select()
          .where('level', '=', 'group')
          .where(
            'target_id',
            'in',
            groups.map((g) => g.groupId),
          ),
      );
    }
    const rows = await query.execute();
    const entries = (level: SettingLevelColumn, targetId?: string): StoredSetting[] =>
      rows.filter((r) => r.level === level && (targetId === undefined || r.target_id === targetId)).map(({ key, value }) => ({ key, value }));
    return {
      organization: entries('organization'),
      user: entries('user'),
      groups: groups.map((g) => ({ ...g, entries: entries('group', g.groupId) })),
    };
  }

  return {
    async get(orgId: string, level: SettingLevelColumn, targetId: string): Promise<StoredSetting[]> {
      const rows = await db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('org_id', '=', orgId)
        .where('level', '=', level)
        .where('target_id', '=', targetId)
        .orderBy('key')
        .execute();
      return rows;
    },
    /** The values set on one level of one target, with when each was last changed. */
    async list(orgId: string, level: SettingLevelColumn, targetId: string): Promise<StoredSettingRow[]> {
      const rows = await db
        .selectFrom('settings')
        .select(['key', 'value', 'updated_at'])
        .where('org_id', '=', orgId)
        .where('level', '=', level)
        .where('target_id', '=', targetId)
        .orderBy('key')
        .execute();
      return rows.map((r) => ({ key: r.key, value: r.value, updatedAt: r.updated_at }));
    },
    async getOne(orgId: string, level: SettingLevelColumn, targetId: string, key: string): Promise<StoredSettingRow | undefined> {
      const r = await db
        .selectFrom('settings')
        .select(['key', 'value', 'updated_at'])
        .where('org_id', '=', orgId)
        .where('level', '=', level)
        .where('target_id', '=', targetId)
        .where('key', '=', key)
        .executeTakeFirst();
      return r && { key: r.key, value: r.value, updatedAt: r.updated_at };
    },
    async put(orgId: string, level: SettingLevelColumn, targetId: string, key: string, value: unknown): Promise<void> {
      await db
        .insertInto('settings')
        .values({ org_id: orgId, level, target_id: targetId, key, value: JSON.stringify(value) })
        .onConflict((oc) => oc.columns(['org_id', 'level', 'target_id', 'key']).doUpdateSet({ value: JSON.stringify(value), updated_at: sql`now()` }))
        .execute();
    },
    async remove(orgId: string, level: SettingLevelColumn, targetId: string, key: string): Promise<boolean> {
      const res = await db
        .deleteFrom('settings')
        .where('org_id', '=', orgId)
        .where('level', '=', level)
        .where('target_id', '=', targetId)
        .where('key', '=', key)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    /** Removes every setting of one target (a deleted user or group). */
    async removeTarget(orgId: string, level: SettingLevelColumn, targetId: string): Promise<number> {
      const res = await db.deleteFrom('settings').where('org_id', '=', orgId).where('level', '=', level).where('target_id', '=', targetId).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    /** Drops `member` from list values of the given keys on every level (a deleted group's id); returns the rows changed. */
    async removeSetMember(orgId: string, keys: readonly string[], member: string): Promise<number> {
      if (keys.length === 0) return 0;
      const res = await db
        .updateTable('settings')
        .set({ value: sql`value - cast(${member} as text)`, updated_at: sql`now()` })
        .where('org_id', '=', orgId)
        .where('key', 'in', keys)
        .where(sql<boolean>`jsonb_typeof(value) = 'array' and value ? cast(${member} as text)`)
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    layersForUserIfExists,
    /** Every layer that can affect one user's effective settings (empty layers for an unknown user). */
    async layersForUser(orgId: string, userId: string): Promise<UserSettingLayers> {
      return (await layersForUserIfExists(orgId, userId)) ?? { organization: [], groups: [], user: [] };
    },
  };
}
