import { sql } from 'kysely';
import type { LineRow, UserRole, UserRow } from '../database.ts';
import { likePattern, sortColumn, type Executor, type ListQuery, type Page } from './executor.ts';

export interface LineInput {
  slot: 'primary' | 'secondary';
  number: string;
  lineType: 'office_fixed' | 'office_mobile';
  aliasExtension?: string | null | undefined;
}

export interface UserInput {
  username: string;
  passwordHash?: string | null | undefined;
  firstName: string;
  lastName: string;
  language: string;
  license: string;
  callerId?: string | null | undefined;
  forwardNumber?: string | null | undefined;
  photoUrl?: string | null | undefined;
  role: UserRole;
  allowedApps: string[];
  calendarSyncId?: string | null | undefined;
  externalId?: string | null | undefined;
  siteId?: string | null | undefined;
  directoryFields: string[];
}

export interface UserWithRelations extends UserRow {
  lines: LineRow[];
  groupIds: string[];
}

export interface UserListQuery extends ListQuery {
  groupId?: string | undefined;
  /** Restricts to members of any of these groups (a group admin's scope). */
  withinGroups?: readonly string[] | undefined;
}

const SORTS = {
  username: 'username',
  first_name: 'first_name',
  last_name: 'last_name',
  role: 'role',
  created_at: 'created_at',
} as const;

/** The lower-cased text a user is found by: every field an admin sees in the list, lines included. */
export function userSearchText(
  u: Pick<UserRow, 'username' | 'first_name' | 'last_name' | 'caller_id' | 'external_id' | 'forward_number' | 'role' | 'license' | 'calendar_sync_id'> & {
    directory_fields: readonly string[];
  },
  lines: readonly { number: string; alias_extension: string | null }[],
): string {
  return [
    u.username,
    u.first_name,
    u.last_name,
    `${u.first_name} ${u.last_name}`,
    u.caller_id,
    u.external_id,
    u.forward_number,
    u.role,
    u.license,
    u.calendar_sync_id,
    ...u.directory_fields,
    ...lines.flatMap((l) => [l.number, l.alias_extension]),
  ]
    .filter((s): s is string => typeof s === 'string' && s.length > 0)
    .join('\u0001')
    .toLowerCase();
}

/** Users of one organization, with their lines and group memberships. */
export function usersRepo(db: Executor) {
  async function attach(orgId: string, users: UserRow[]): Promise<UserWithRelations[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [lines, members] = await Promise.all([
      db.selectFrom('lines').selectAll().where('org_id', '=', orgId).where('user_id', 'in', ids).orderBy('slot').execute(),
      db.selectFrom('group_members').select(['user_id', 'group_id']).where('org_id', '=', orgId).where('user_id', 'in', ids).execute(),
    ]);
    return users.map((u) => ({
      ...u,
      lines: lines.filter((l) => l.user_id === u.id),
      groupIds: members.filter((m) => m.user_id === u.id).map((m) => m.group_id),
    }));
  }

  /** Recomputes the stored search text; pass the row when the caller already has it. */
  async function refreshSearchText(orgId: string, user: string | UserRow): Promise<void> {
    const u = typeof user === 'string' ? await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', user).executeTakeFirst() : user;
    if (!u) return;
    const lines = await db.selectFrom('lines').select(['number', 'alias_extension']).where('org_id', '=', orgId).where('user_id', '=', u.id).execute();
    await db
      .updateTable('users')
      .set({ search_text: userSearchText(u, lines) })
      .where('org_id', '=', orgId)
      .where('id', '=', u.id)
      .execute();
  }

  return {
    attach,
    refreshSearchText,

    async list(orgId: string, query: UserListQuery): Promise<Page<UserWithRelations>> {
      let base = db.selectFrom('users').where('org_id', '=', orgId);
      if (query.q) base = base.where('search_text', 'like', likePattern(query.q));
      if (query.groupId) {
        const gid = query.groupId;
        base = base.where('id', 'in', (eb) => eb.selectFrom('group_members').select('user_id').where('org_id', '=', orgId).where('group_id', '=', gid));
      }
      if (query.withinGroups) {
        const gids = query.withinGroups;
        if (gids.length === 0) return { items: [], total: 0 };
        base = base.where('id', 'in', (eb) => eb.selectFrom('group_members').select('user_id').where('org_id', '=', orgId).where('group_id', 'in', gids));
      }
      const [rows, total] = await Promise.all([
        base
          .selectAll()
          .orderBy(sortColumn(query.sort, SORTS, 'last_name'), query.order ?? 'asc')
          .orderBy('id')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: await attach(orgId, rows), total: Number(total.n) };
    },

    async get(orgId: string, id: string): Promise<UserWithRelations | undefined> {
      const row = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const [u] = await attach(orgId, [row]);
      return u;
    },

    async getMany(orgId: string, ids: readonly string[]): Promise<UserWithRelations[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
      return attach(orgId, rows);
    },

    async findByUsername(orgId: string, username: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('username', '=', username.toLowerCase()).executeTakeFirst();
    },

    async create(orgId: string, input: UserInput): Promise<UserRow> {
      const row = await db
        .insertInto('users')
        .values({
          org_id: orgId,
          site_id: input.siteId ?? null,
          username: input.username.toLowerCase(),
          password_hash: input.passwordHash ?? null,
          first_name: input.firstName,
          last_name: input.lastName,
          language: input.language,
          license: input.license,
          caller_id: input.callerId ?? null,
          forward_number: input.forwardNumber ?? null,
          photo_url: input.photoUrl ?? null,
          role: input.role,
          allowed_apps: JSON.stringify(input.allowedApps),
          calendar_sync_id: input.calendarSyncId ?? null,
          external_id: input.externalId ?? null,
          directory_fields: JSON.stringify(input.directoryFields),
          // A new user has no lines yet; replaceLines recomputes it when they get some.
          search_text: userSearchText(
            {
              username: input.username.toLowerCase(),
              first_name: input.firstName,
              last_name: input.lastName,
              caller_id: input.callerId ?? null,
              external_id: input.externalId ?? null,
              forward_number: input.forwardNumber ?? null,
              role: input.role,
              license: input.license,
              calendar_sync_id: input.calendarSyncId ?? null,
              directory_fields: input.directoryFields,
            },
            [],
          ),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return row;
    },

    async update(orgId: string, id: string, patch: Partial<UserInput>): Promise<UserRow | undefined> {
      const row = await db
        .updateTable('users')
        .set({
          ...(patch.username !== undefined && { username: patch.username.toLowerCase() }),
          ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
          ...(patch.firstName !== undefined && { first_name: patch.firstName }),
          ...(patch.lastName !== undefined && { last_name: patch.lastName }),
          ...(patch.language !== undefined && { language: patch.language }),
          ...(patch.license !== undefined && { license: patch.license }),
          ...(patch.callerId !== undefined && { caller_id: patch.callerId }),
          ...(patch.forwardNumber !== undefined && { forward_number: patch.forwardNumber }),
          ...(patch.photoUrl !== undefined && { photo_url: patch.photoUrl }),
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.allowedApps !== undefined && { allowed_apps: JSON.stringify(patch.allowedApps) }),
          ...(patch.calendarSyncId !== undefined && { calendar_sync_id: patch.calendarSyncId }),
          ...(patch.externalId !== undefined && { external_id: patch.externalId }),
          ...(patch.siteId !== undefined && { site_id: patch.siteId }),
          ...(patch.directoryFields !== undefined && { directory_fields: JSON.stringify(patch.directoryFields) }),
          updated_at: sql`now()`,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row) await refreshSearchText(orgId, row);
      return row;
    },

    async markWelcomeSent(orgId: string, ids: readonly string[], at: Date): Promise<number> {
      if (ids.length === 0) return 0;
      const res = await db.updateTable('users').set({ welcome_sent_at: at }).where('org_id', '=', orgId).where('id', 'in', ids).executeTakeFirst();
      return Number(res.numUpdatedRows);
    },

    /** Replaces the user's lines; the caller has reserved their numbers in number_assignments. */
    async replaceLines(orgId: string, userId: string, lines: readonly LineInput[]): Promise<void> {
      await db.deleteFrom('lines').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      if (lines.length > 0) {
        await db
          .insertInto('lines')
          .values(
            lines.map((l) => ({
              org_id: orgId,
              user_id: userId,
              slot: l.slot,
              number: l.number,
              line_type: l.lineType,
              alias_extension: l.aliasExtension ?? null,
            })),
          )
          .execute();
      }
      await refreshSearchText(orgId, userId);
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      // Personal devices go with the user; desk phones stay in the phone list, unassigned.
      await db.deleteFrom('devices').where('org_id', '=', orgId).where('user_id', '=', id).where('kind', '!=', 'desk_phone').execute();
      // Rows that point at the user by (level, id) rather than by a foreign key.
      await db.deleteFrom('settings').where('org_id', '=', orgId).where('level', '=', 'user').where('target_id', '=', id).execute();
      await db.deleteFrom('contacts').where('org_id', '=', orgId).where('owner_level', '=', 'user').where('owner_id', '=', id).execute();
      const res = await db.deleteFrom('users').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type UsersRepo = ReturnType<typeof usersRepo>;
