import type { UserRole } from '../../store/database.ts';

/** Who is making a request, resolved once per request from a session cookie or an API token. */
export type Principal =
  | {
      kind: 'provider';
      id: string;
      name: string;
      email: string;
      via: 'session' | 'token';
      csrfToken?: string | undefined;
      /** The organization of this request's path, already found to exist at the edge. */
      verifiedOrgId?: string | undefined;
    }
  | { kind: 'user'; id: string; orgId: string; role: UserRole; name: string; username: string; via: 'session' | 'token'; csrfToken?: string | undefined };

export type RoleName = 'provider' | UserRole;

/** The role a principal acts with. */
export function roleOf(p: Principal): RoleName {
  return p.kind === 'provider' ? 'provider' : p.role;
}

/** What the API returns about the current principal. */
export function presentPrincipal(p: Principal) {
  return p.kind === 'provider'
    ? { kind: p.kind, id: p.id, name: p.name, email: p.email, role: 'provider' as const, orgId: null }
    : { kind: p.kind, id: p.id, name: p.name, username: p.username, role: p.role, orgId: p.orgId };
}
