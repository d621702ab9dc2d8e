import type { AuditRow } from '../database.ts';
import type { Executor, ListQuery, Page } from './executor.ts';

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
    async list(orgId: string, query: ListQuery & { resourceType?: string | undefined; resourceId?: string | undefined }): Promise<Page<AuditRow>> {
      let base = db.selectFrom('audit_log').where('org_id', '=', orgId);
      if (query.resourceType) base = base.where('resource_type', '=', query.resourceType);
      if (query.resourceId) base = base.where('resource_id', '=', query.resourceId);
      if (query.q) {
        const p = `%${query.q.toLowerCase()}%`;
        base = base.where((eb) => eb.or([eb('action', 'like', p), eb('actor_name', 'ilike', p), eb('resource_type', 'like', p)]));
      }
      const [items, total] = await Promise.all([
        base.selectAll().orderBy('id', query.order ?? 'desc').limit(query.limit).offset(query.offset).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(total.n) };
    },
  };
}
