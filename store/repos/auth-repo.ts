import { sql, type Selectable } from 'kysely';
import type { ApiTokensTable, PrincipalKind, UserRole, UserRow } from '../database.ts';
import type { Executor } from './executor.ts';

interface CredentialRow {
  principal_kind: PrincipalKind;
  principal_id: string;
  org_id: string | null;
  csrf_token: string | null;
  expires_at: Date | null;
  provider_email: string | null;
  provider_name: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  role: UserRole | null;
}

export type ResolvedCredential =
  | { kind: 'provider'; id: string; email: string; name: string; csrfToken: string | null; expiresAt: Date | null }
  | { kind: 'user'; id: string; orgId: string; username: string; name: string; role: UserRole; csrfToken: string | null; expiresAt: Date | null };
export type ApiTokenRow = Selectable<ApiTokensTable>;

/**
 * Credentials: provider admins, sessions, API tokens and failed-login counters. Login is the one
 * place that looks a user up by username across organizations — the username is the login name,
 * unique in the installation — and it returns the organization the user belongs to.
 */
export function authRepo(db: Executor) {
  return {
    async findProviderAdmin(email: string) {
      return db.selectFrom('provider_admins').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    },
    async getProviderAdmin(id: string) {
      return db.selectFrom('provider_admins').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async countProviderAdmins(): Promise<number> {
      const r = await db
        .selectFrom('provider_admins')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async upsertProviderAdmin(email: string, name: string, passwordHash: string) {
      return db
        .insertInto('provider_admins')
        .values({ email: email.toLowerCase(), name, password_hash: passwordHash })
        .onConflict((oc) => oc.column('email').doUpdateSet({ password_hash: passwordHash, name }))
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async findLoginUser(username: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
    },
    async createSession(s: {
      tokenHash: string;
      kind: PrincipalKind;
      principalId: string;
      orgId: string | null;
      csrfToken: string;
      expiresAt: Date;
    }): Promise<void> {
      await db
        .insertInto('sessions')
        .values({
          token_hash: s.tokenHash,
          principal_kind: s.kind,
          principal_id: s.principalId,
          org_id: s.orgId,
          csrf_token: s.csrfToken,
          expires_at: s.expiresAt,
        })
        .execute();
    },
    async deleteSession(tokenHash: string): Promise<void> {
      await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    },
    /** Ends every session of a principal except, optionally, the one making the request. */
    async deleteSessionsOf(kind: PrincipalKind, principalId: string, keepTokenHash?: string): Promise<void> {
      let q = db.deleteFrom('sessions').where('principal_kind', '=', kind).where('principal_id', '=', principalId);
      if (keepTokenHash) q = q.where('token_hash', '!=', keepTokenHash);
      await q.execute();
    },
    async createApiToken(t: { tokenHash: string; kind: PrincipalKind; principalId: string; orgId: string | null; name: string }): Promise<ApiTokenRow> {
      return db
        .insertInto('api_tokens')
        .values({ token_hash: t.tokenHash, principal_kind: t.kind, principal_id: t.principalId, org_id: t.orgId, name: t.name })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /**
     * Resolves a bearer token or a session to its principal in one round trip: every API request
     * does this, so it is one indexed join rather than three lookups.
     */
    async resolveCredential(kind: 'token' | 'session', tokenHash: string, now: Date): Promise<ResolvedCredential | undefined> {
      const source =
        kind === 'token'
          ? sql`select principal_kind, principal_id, org_id, null::text as csrf_token, null::timestamptz as expires_at from api_tokens where token_hash = ${tokenHash} and revoked_at is null`
          : sql`select principal_kind, principal_id, org_id, csrf_token, expires_at from sessions where token_hash = ${tokenHash} and expires_at > ${now}`;
      const { rows } = await sql<CredentialRow>`
        select c.principal_kind, c.principal_id, c.org_id, c.csrf_token, c.expires_at,
               p.email as provider_email, p.name as provider_name,
               u.username, u.first_name, u.last_name, u.role
          from (${source}) c
          left join provider_admins p on c.principal_kind = 'provider' and p.id = c.principal_id
          left join users u on c.principal_kind = 'user' and u.id = c.principal_id and u.org_id = c.org_id`.execute(db);
      const row = rows[0];
      if (!row) return undefined;
      if (row.principal_kind === 'provider' && row.provider_email !== null) {
        return {
          kind: 'provider',
          id: row.principal_id,
          email: row.provider_email,
          name: row.provider_name ?? '',
          csrfToken: row.csrf_token,
          expiresAt: row.expires_at,
        };
      }
      if (row.principal_kind === 'user' && row.username !== null && row.org_id !== null && row.role !== null) {
        return {
          kind: 'user',
          id: row.principal_id,
          orgId: row.org_id,
          username: row.username,
          name: `${row.first_name ?? ''} ${row.last_name ?? ''}`.trim(),
          role: row.role,
          csrfToken: row.csrf_token,
          expiresAt: row.expires_at,
        };
      }
      return undefined;
    },
    async listApiTokens(kind: PrincipalKind, principalId: string): Promise<ApiTokenRow[]> {
      return db
        .selectFrom('api_tokens')
        .selectAll()
        .where('principal_kind', '=', kind)
        .where('principal_id', '=', principalId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at')
        .execute();
    },
    async revokeApiToken(kind: PrincipalKind, principalId: string, id: string, at: Date): Promise<boolean> {
      const res = await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('principal_kind', '=', kind)
        .where('principal_id', '=', principalId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    async getLoginFailures(username: string) {
      return db.selectFrom('login_failures').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
    },
    async recordLoginFailure(username: string, failures: number, at: Date, lockedUntil: Date | null): Promise<void> {
      await db
        .insertInto('login_failures')
        .values({ username: username.toLowerCase(), failures, last_failure_at: at, locked_until: lockedUntil })
        .onConflict((oc) => oc.column('username').doUpdateSet({ failures, last_failure_at: at, locked_until: lockedUntil }))
        .execute();
    },
    async clearLoginFailures(username: string): Promise<void> {
      await db.deleteFrom('login_failures').where('username', '=', username.toLowerCase()).execute();
    },
  };
}
