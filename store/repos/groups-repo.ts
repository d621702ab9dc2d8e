import { sql } from 'kysely';
import type { GroupRow } from '../database.ts';
import { likePattern, sortColumn, type Executor, type ListQuery, type Page } from './executor.ts';

export interface GroupInput {
  name: string;
  description?: string | undefined;
  priority?: number | undefined;
  scheduleAdmin?: boolean | undefined;
  acdSupervisor?: boolean | undefined;
  federated?: boolean | undefined;
}

export interface GroupWithCounts extends GroupRow {
  memberCount: number;
  administersGroupIds: string[];
}

const SORTS = { priority: 'priority', name: 'name', created_at: 'created_at' } as const;

/** User groups, their members, their priority order and what an admin group administers. */
export function groupsRepo(db: Executor) {
  async function attach(orgId: string, rows: GroupRow[]): Promise<GroupWithCounts[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((g) => g.id);
    const [counts, scopes] = await Promise.all([
      db
        .selectFrom('group_members')
        .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('org_id', '=', orgId)
        .where('group_id', 'in', ids)
        .groupBy('group_id')
        .execute(),
      db
        .selectFrom('admin_group_scopes')
        .select(['admin_group_id', 'target_group_id'])
        .where('org_id', '=', orgId)
        .where('admin_group_id', 'in', ids)
        .execute(),
    ]);
    return rows.map((g) => ({
      ...g,
      memberCount: Number(counts.find((c) => c.group_id === g.id)?.n ?? 0),
      administersGroupIds: scopes
        .filter((s) => s.admin_group_id === g.id)
        .map((s) => s.target_group_id)
        .sort(),
    }));
  }

  return {
    async list(orgId: string, query: ListQuery & { ids?: readonly string[] | undefined }): Promise<Page<GroupWithCounts>> {
      let base = db.selectFrom('user_groups').where('org_id', '=', orgId);
      if (query.q) {
        const p = likePattern(query.q);
        base = base.where((eb) => eb.or([eb(sql`lower(name)`, 'like', p), eb(sql`lower(description)`, 'like', p)]));
      }
      if (query.ids) {
        if (query.ids.length === 0) return { items: [], total: 0 };
        base = base.where('id', 'in', query.ids);
      }
      const [rows, total] = await Promise.all([
        base
          .selectAll()
          .orderBy(sortColumn(query.sort, SORTS, 'priority'), query.order ?? 'asc')
          .orderBy('name')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: await attach(orgId, rows), total: Number(total.n) };
    },
    async all(orgId: string): Promise<GroupRow[]> {
      return db.selectFrom('user_groups').selectAll().where('org_id', '=', orgId).orderBy('priority').orderBy('name').execute();
    },
    async get(orgId: string, id: string): Promise<GroupWithCounts | undefined> {
      const row = await db.selectFrom('user_groups').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const [g] = await attach(orgId, [row]);
      return g;
    },
    /** Group ids in precedence order: priority, then name, then id (the order settings resolve in). */
    async orderedIds(orgId: string): Promise<string[]> {
      const rows = await db.selectFrom('user_groups').select('id').where('org_id', '=', orgId).orderBy('priority').orderBy('name').orderBy('id').execute();
      return rows.map((r) => r.id);
    },
    /** A group whose name equals `name` ignoring case, other than `exceptId`. */
    async findByName(orgId: string, name: string, exceptId?: string): Promise<GroupRow | undefined> {
      let q = db
        .selectFrom('user_groups')
        .selectAll()
        .where('org_id', '=', orgId)
        .where(sql`lower(name)`, '=', name.toLowerCase());
      if (exceptId) q = q.where('id', '<>', exceptId);
      return q.executeTakeFirst();
    },
    async existing(orgId: string, ids: readonly string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('user_groups').select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
      return rows.map((r) => r.id);
    },
    async create(orgId: string, input: GroupInput): Promise<GroupRow> {
      const max = await db
        .selectFrom('user_groups')
        .select((eb) => eb.fn.max<number | null>('priority').as('m'))
        .where('org_id', '=', orgId)
        .executeTakeFirstOrThrow();
      return db
        .insertInto('user_groups')
        .values({
          org_id: orgId,
          name: input.name,
          description: input.description ?? '',
          priority: input.priority ?? (max.m ?? 0) + 1,
          schedule_admin: input.scheduleAdmin ?? false,
          acd_supervisor: input.acdSupervisor ?? false,
          federated: input.federated ?? false,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async update(orgId: string, id: string, patch: GroupInput | Partial<GroupInput>): Promise<GroupRow | undefined> {
      return db
        .updateTable('user_groups')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.priority !== undefined && { priority: patch.priority }),
          ...(patch.scheduleAdmin !== undefined && { schedule_admin: patch.scheduleAdmin }),
          ...(patch.acdSupervisor !== undefined && { acd_supervisor: patch.acdSupervisor }),
          ...(patch.federated !== undefined && { federated: patch.federated }),
          updated_at: sql`now()`,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    /** Sets priorities 1..n in the given order (priority 1 is the highest) in one statement; rows already right are left alone. */
    async reorder(orgId: string, orderedIds: readonly string[]): Promise<void> {
      if (orderedIds.length === 0) return;
      await sql`
        update user_groups set priority = cast(o.ord as integer), updated_at = now()
        from jsonb_array_elements_text(cast(${JSON.stringify(orderedIds)} as jsonb)) with ordinality as o(id, ord)
        where user_groups.org_id = ${orgId} and cast(user_groups.id as text) = o.id and user_groups.priority <> o.ord`.execute(db);
    },
    async delete(orgId: string, id: string): Promise<boolean> {
      await db.deleteFrom('settings').where('org_id', '=', orgId).where('level', '=', 'group').where('target_id', '=', id).execute();
      await db.deleteFrom('contacts').where('org_id', '=', orgId).where('owner_level', '=', 'group').where('owner_id', '=', id).execute();
      const res = await db.deleteFrom('user_groups').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async memberIds(orgId: string, groupId: string): Promise<string[]> {
      const rows = await db.selectFrom('group_members').select('user_id').where('org_id', '=', orgId).where('group_id', '=', groupId).execute();
      return rows.map((r) => r.user_id);
    },
    async groupIdsOfUser(orgId: string, userId: string): Promise<string[]> {
      const rows = await db.selectFrom('group_members').select('group_id').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      return rows.map((r) => r.group_id);
    },
    async addMembers(orgId: string, groupId: string, userIds: readonly string[]): Promise<number> {
      if (userIds.length === 0) return 0;
      const res = await db
        .insertInto('group_members')
        .values(userIds.map((user_id) => ({ org_id: orgId, group_id: groupId, user_id })))
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0);
    },
    async removeMembers(orgId: string, groupId: string, userIds: readonly string[]): Promise<number> {
      if (userIds.length === 0) return 0;
      const res = await db
        .deleteFrom('group_members')
        .where('org_id', '=', orgId)
        .where('group_id', '=', groupId)
        .where('user_id', 'in', userIds)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async setUserGroups(orgId: string, userId: string, groupIds: readonly string[]): Promise<void> {
      await db.deleteFrom('group_members').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      if (groupIds.length > 0) {
        await db
          .insertInto('group_members')
          .values(groupIds.map((group_id) => ({ org_id: orgId, group_id, user_id: userId })))
          .execute();
      }
    },
    async setAdministeredGroups(orgId: string, adminGroupId: string, targetIds: readonly string[]): Promise<void> {
      await db.deleteFrom('admin_group_scopes').where('org_id', '=', orgId).where('admin_group_id', '=', adminGroupId).execute();
      if (targetIds.length > 0) {
        await db
          .insertInto('admin_group_scopes')
          .values(targetIds.map((target_group_id) => ({ org_id: orgId, admin_group_id: adminGroupId, target_group_id })))
          .execute();
      }
    },
    /** The groups a group admin may administer: those given to any admin group the user belongs to. */
    async administeredGroupIds(orgId: string, userId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('admin_group_scopes')
        .select('target_group_id')
        .distinct()
        .where('org_id', '=', orgId)
        .where('admin_group_id', 'in', (eb) => eb.selectFrom('group_members').select('group_id').where('org_id', '=', orgId).where('user_id', '=', userId))
        .execute();
      return rows.map((r) => r.target_group_id);
    },
  };
}
