import { sql } from 'kysely';
import type { AuditRow } from '../database.ts';
import { likePattern, type Executor, type ListQuery, type Page, pageOf } from './executor.ts';

export interface AuditListQuery extends ListQuery {
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
}

export interface AuditEntry {
  actorKind: string;
  actorId: string;
  actorName: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
}

/** The append-only audit log. There is no update or delete here, and the database refuses both. */
export function auditRepo(db: Executor) {
  return {
    async append(orgId: string | null, entry: AuditEntry): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          org_id: orgId,
          actor_kind: entry.actorKind,
          actor_id: entry.actorId,
          actor_name: entry.actorName,
          action: entry.action,
          resource_type: entry.resourceType,
          resource_id: entry.resourceId,
          before: entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
          after: entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
        })
        .execute();
    },
    /** One organization's entries, newest first unless `order` is asc; `q` matches action, actor, resource type and id. */
    async list(orgId: string, query: AuditListQuery): Promise<Page<AuditRow>> {
      let base = db.selectFrom('audit_log').where('org_id', '=', orgId);
      if (query.resourceType) base = base.where('resource_type', '=', query.resourceType);
      if (query.resourceId) base = base.where('resource_id', '=', query.resourceId);
      if (query.actorId) base = base.where('actor_id', '=', query.actorId);
      if (query.action) base = base.where('action', '=', query.action);
      if (query.q) {
        const p = likePattern(query.q);
        base = base.where((eb) =>
          eb.or([
            eb(sql`lower(action)`, 'like', p),
            eb(sql`lower(actor_name)`, 'like', p),
            eb(sql`lower(resource_type)`, 'like', p),
            eb(sql`lower(coalesce(resource_id, ''))`, 'like', p),
          ]),
        );
      }
      return pageOf(base, (qb) => qb.selectAll().orderBy('id', query.order ?? 'desc'), query);
    },
  };
}
