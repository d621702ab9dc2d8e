import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { ResolvedCredential } from '../../store/repos/auth-repo.ts';
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

/**
 * Resolves the caller from `Authorization: Bearer` (API tokens, for automation) or the session
 * cookie (the portal). Unauthenticated requests get `principal = null`; routes decide.
 */
export async function authenticate(ctx: ApiContext, request: FastifyRequest): Promise<Principal | null> {
  const auth = request.headers.authorization;
  const now = new Date(ctx.clock.now());
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m?.[1]) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <token>"', 'authorization');
    const cred = await resolve(ctx, 'token', tokenHash(m[1]), now);
    if (!cred) throw new AppError('unauthenticated', 'Invalid or revoked API token', 'authorization');
    return toPrincipal(cred, 'token');
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const cred = await resolve(ctx, 'session', tokenHash(cookie), now);
  return cred ? toPrincipal(cred, 'session') : null;
}

async function resolve(ctx: ApiContext, kind: 'token' | 'session', hash: string, now: Date): Promise<ResolvedCredential | undefined> {
  const key = `${kind}:${hash}`;
  const hit = ctx.credentials.get(key, now.getTime());
  if (hit) return hit;
  const cred = await ctx.store.auth.resolveCredential(kind, hash, now);
  if (cred) ctx.credentials.set(key, cred);
  return cred;
}

function toPrincipal(c: ResolvedCredential, via: 'session' | 'token'): Principal {
  const csrfToken = c.csrfToken ?? undefined;
  return c.kind === 'provider'
    ? { kind: 'provider', id: c.id, name: c.name, email: c.email, via, csrfToken }
    : { kind: 'user', id: c.id, orgId: c.orgId, role: c.role, name: c.name, username: c.username, via, csrfToken };
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
