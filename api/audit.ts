import type { Repos } from '../store/store.ts';
import type { Principal } from './auth/principal.ts';

/** Records an administrative change (who, which organization, what, before/after) in the same transaction. */
export async function audit(
  repos: Repos,
  principal: Principal,
  orgId: string | null,
  action: string,
  resource: { type: string; id: string | null },
  before: unknown,
  after: unknown,
): Promise<void> {
  await repos.audit.append(orgId, {
    actorKind: principal.kind === 'provider' ? 'provider' : principal.role,
    actorId: principal.id,
    actorName: principal.kind === 'provider' ? principal.email : principal.username,
    action,
    resourceType: resource.type,
    resourceId: resource.id,
    before: redact(before),
    after: redact(after),
  });
}

const SECRET_KEYS = new Set(['password_hash', 'passwordHash', 'password', 'sip_password', 'sipPassword', 'search_text']);

/** Secrets never enter the audit log, not even hashed. */
function redact(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redact);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? (v == null ? null : '***') : redact(v);
  return out;
}
