import type { GroupRow } from '../database.ts';
import type { Executor } from './executor.ts';
import type { UserWithRelations } from './users-repo.ts';

export interface SettingsSnapshot {
  rows: { level: 'organization' | 'group' | 'user'; target_id: string; key: string; value: unknown }[];
  groups: Pick<GroupRow, 'id' | 'name' | 'priority'>[];
  memberships: { user_id: string; group_id: string }[];
}

/**
 * Whole-organization reads for the API's in-memory read models, and the version number that
 * tells whether a copy is current (bumped by triggers, see migration 0003).
 */
export function snapshotRepo(db: Executor) {
  return {
    async dataVersion(orgId: string): Promise<number> {
      const row = await db.selectFrom('org_data_versions').select('version').where('org_id', '=', orgId).executeTakeFirst();
      return row ? Number(row.version) : 0;
    },
    async loadUsers(orgId: string): Promise<UserWithRelations[]> {
      const [users, lines, members] = await Promise.all([
        db.selectFrom('users').selectAll().where('org_id', '=', orgId).execute(),
        db.selectFrom('lines').selectAll().where('org_id', '=', orgId).orderBy('slot').execute(),
        db.selectFrom('group_members').select(['user_id', 'group_id']).where('org_id', '=', orgId).execute(),
      ]);
      const linesBy = new Map<string, UserWithRelations['lines']>();
      for (const l of lines) {
        const list = linesBy.get(l.user_id);
        if (list) list.push(l);
        else linesBy.set(l.user_id, [l]);
      }
      const groupsBy = new Map<string, string[]>();
      for (const m of members) {
        const list = groupsBy.get(m.user_id);
        if (list) list.push(m.group_id);
        else groupsBy.set(m.user_id, [m.group_id]);
      }
      return users.map((u) => ({ ...u, lines: linesBy.get(u.id) ?? [], groupIds: groupsBy.get(u.id) ?? [] }));
    },
    async loadSettings(orgId: string): Promise<SettingsSnapshot> {
      const [rows, groups, memberships] = await Promise.all([
        db.selectFrom('settings').select(['level', 'target_id', 'key', 'value']).where('org_id', '=', orgId).execute(),
        db.selectFrom('user_groups').select(['id', 'name', 'priority']).where('org_id', '=', orgId).execute(),
        db.selectFrom('group_members').select(['user_id', 'group_id']).where('org_id', '=', orgId).execute(),
      ]);
      return { rows, groups, memberships };
    },
  };
}
