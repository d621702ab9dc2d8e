import type { AuditRow } from '../../store/database.ts';

/** One audit entry: who did what to which resource, with the resource before and after. */
export function presentAuditEntry(a: AuditRow) {
  return {
    id: a.id,
    at: a.at,
    actor: { kind: a.actor_kind, id: a.actor_id, name: a.actor_name },
    action: a.action,
    resource: { type: a.resource_type, id: a.resource_id },
    before: a.before,
    after: a.after,
  };
}
