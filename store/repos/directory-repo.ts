import type { Selectable } from 'kysely';
import type { DirectoryModerationTable } from '../database.ts';
import { pageOf, type Executor, type ListQuery, type Page } from './executor.ts';

export type ModerationRow = Selectable<DirectoryModerationTable>;
export type ModerationStatus = ModerationRow['status'];

export interface ModerationListQuery extends ListQuery {
  status?: ModerationStatus | undefined;
  userId?: string | undefined;
  /** Restricts to requests of members of any of these groups (a group admin's scope). */
  withinGroups?: readonly string[] | undefined;
}

/** The moderation queue for users' own changes to directory fields. */
export function directoryRepo(db: Executor) {
  return {
    async list(orgId: string, query: ModerationListQuery): Promise<Page<ModerationRow>> {
      let base = db.selectFrom('directory_moderation').where('org_id', '=', orgId);
      if (query.status) base = base.where('status', '=', query.status);
      if (query.userId) base = base.where('user_id', '=', query.userId);
      if (query.withinGroups) {
        const gids = query.withinGroups;
        if (gids.length === 0) return { items: [], total: 0 };
        base = base.where('user_id', 'in', (eb) => eb.selectFrom('group_members').select('user_id').where('org_id', '=', orgId).where('group_id', 'in', gids));
      }
      return pageOf(
        base,
        (qb) =>
          qb
            .selectAll()
            .orderBy('requested_at', query.order ?? 'asc')
            .orderBy('id'),
        query,
      );
    },
    async get(orgId: string, id: string): Promise<ModerationRow | undefined> {
      return db.selectFrom('directory_moderation').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    async request(orgId: string, userId: string, field: number, oldValue: string, newValue: string): Promise<ModerationRow> {
      // A newer request for the same field replaces one still pending.
      await db
        .deleteFrom('directory_moderation')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .where('field', '=', field)
        .where('status', '=', 'pending')
        .execute();
      return db
        .insertInto('directory_moderation')
        .values({ org_id: orgId, user_id: userId, field, old_value: oldValue, new_value: newValue })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async decide(orgId: string, id: string, status: 'approved' | 'rejected', by: string, at: Date): Promise<ModerationRow | undefined> {
      return db
        .updateTable('directory_moderation')
        .set({ status, decided_by: by, decided_at: at })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
    },
  };
}
