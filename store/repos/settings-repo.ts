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
   * exist in the organization. One round trip; every branch is an index lookup, so the cost does not
   * grow with the size of the organization.
   */
  async function layersForUserIfExists(orgId: string, userId: string): Promise<UserSettingLayers | undefined> {
    const { rows } = await sql<{ kind: string; target_id: string; key: string | null; value: unknown }>`
      select 'exists' as kind, u.id as target_id, null::text as key, null::jsonb as value
        from users u where u.org_id = ${orgId} and u.id = ${userId}
      union all
      select 'member', g.id, g.name, to_jsonb(g.priority)
        from group_members m join user_groups g on g.org_id = m.org_id and g.id = m.group_id
        where m.org_id = ${orgId} and m.user_id = ${userId}
      union all
      select s.level, s.target_id, s.key, s.value from settings s
        where s.org_id = ${orgId} and s.level = 'organization'
      union all
      select s.level, s.target_id, s.key, s.value from settings s
        where s.org_id = ${orgId} and s.level = 'user' and s.target_id = ${userId}
      union all
      select s.level, s.target_id, s.key, s.value from settings s
        join group_members m on m.org_id = s.org_id and m.group_id = s.target_id
        where s.org_id = ${orgId} and s.level = 'group' and m.user_id = ${userId}`.execute(db);
    if (!rows.some((r) => r.kind === 'exists')) return undefined;
    const entries = (kind: string, targetId?: string): StoredSetting[] =>
      rows.filter((r) => r.kind === kind && (targetId === undefined || r.target_id === targetId)).map((r) => ({ key: r.key ?? '', value: r.value }));
    return {
      organization: entries('organization'),
      user: entries('user'),
      groups: rows
        .filter((r) => r.kind === 'member')
        .map((r) => ({ groupId: r.target_id, groupName: r.key ?? '', priority: Number(r.value), entries: entries('group', r.target_id) })),
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
