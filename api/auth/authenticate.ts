import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { Principal } from './principal.ts';
import { safeEqual, tokenHash } from './secrets.ts';

export const SESSION_COOKIE = 'vaxel_session';
export const CSRF_HEADER = 'x-csrf-token';
export const TOKEN_PREFIX = 'vxl_';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

async function principalFor(ctx: ApiContext, kind: 'provider' | 'user', id: string, via: 'session' | 'token', csrfToken?: string): Promise<Principal | null> {
  if (kind === 'provider') {
    const admin = await ctx.store.auth.getProviderAdmin(id);
    return admin ? { kind: 'provider', id: admin.id, name: admin.name, email: admin.email, via, csrfToken } : null;
  }
  return null;
}

/**
 * Resolves the caller from `Authorization: Bearer` (API tokens, for automation) or the session
 * cookie (the portal). Unauthenticated requests get `principal = null`; routes decide.
 */
export async function authenticate(ctx: ApiContext, request: FastifyRequest): Promise<Principal | null> {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m?.[1]) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <token>"', 'authorization');
    const row = await ctx.store.auth.findApiToken(tokenHash(m[1]));
    if (!row) throw new AppError('unauthenticated', 'Invalid or revoked API token', 'authorization');
    return row.principal_kind === 'provider'
      ? principalFor(ctx, 'provider', row.principal_id, 'token')
      : userPrincipal(ctx, row.org_id, row.principal_id, 'token');
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const session = await ctx.store.auth.findSession(tokenHash(cookie), new Date(ctx.clock.now()));
  if (!session) return null;
  return session.principal_kind === 'provider'
    ? principalFor(ctx, 'provider', session.principal_id, 'session', session.csrf_token)
    : userPrincipal(ctx, session.org_id, session.principal_id, 'session', session.csrf_token);
}

async function userPrincipal(ctx: ApiContext, orgId: string | null, userId: string, via: 'session' | 'token', csrfToken?: string): Promise<Principal | null> {
  if (!orgId) return null;
  const u = await ctx.store.users.get(orgId, userId);
  if (!u) return null;
  return { kind: 'user', id: u.id, orgId: u.org_id, role: u.role, name: `${u.first_name} ${u.last_name}`.trim(), username: u.username, via, csrfToken };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Cookie-authenticated writes must echo the session's CSRF token in a header. */
export function checkCsrf(request: FastifyRequest): void {
  const p = request.principal;
  if (!p || p.via !== 'session' || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !p.csrfToken || !safeEqual(sent, p.csrfToken)) {
    throw new AppError('csrf_failed', `Missing or wrong ${CSRF_HEADER} header`, CSRF_HEADER);
  }
}

/** The authenticated principal, or 401. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Log in or send an API token');
  return request.principal;
}
