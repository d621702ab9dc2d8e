import { z } from 'zod';
import { checkLoginGate, recordLoginFailure } from '../../core/auth/login-throttle.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { uuid } from '../schemas/common.ts';
import { CSRF_HEADER, SESSION_COOKIE, TOKEN_PREFIX, requirePrincipal } from './authenticate.ts';
import { presentPrincipal, type Principal } from './principal.ts';
import { hashPassword, newToken, tokenHash, verifyPassword } from './secrets.ts';

const loginBody = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(1024),
});

const tokenBody = z.strictObject({ name: z.string().trim().min(1).max(100) });

/** Login, logout, the current session and API tokens. */
export function registerAuthRoutes(app: ZApp, ctx: ApiContext): void {
  // Verifying against a throwaway hash when the username is unknown keeps both paths equally slow.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(newToken(), ctx.config.passwordCost));

  app.post(
    '/api/v1/auth/login',
    { schema: { tags: ['auth'], summary: 'Log in with username and password; sets the session cookie', body: loginBody } },
    async (request, reply) => {
      const { username, password } = request.body;
      const now = ctx.clock.now();
      const row = await ctx.store.auth.getLoginFailures(username);
      const state = row && { failures: row.failures, lastFailureAt: row.last_failure_at.getTime(), lockedUntil: row.locked_until?.getTime() ?? null };
      const gate = checkLoginGate(state, now);
      if (!gate.allowed) {
        const retry = String(Math.ceil(gate.retryAfterMs / 1000));
        throw gate.reason === 'locked'
          ? new AppError('account_locked', `Too many failed logins; try again in ${retry} s`, 'username', undefined, { 'retry-after': retry })
          : new AppError('login_throttled', `Wait ${retry} s before the next attempt`, 'username', undefined, { 'retry-after': retry });
      }

      let principal: Principal | null = null;
      const admin = await ctx.store.auth.findProviderAdmin(username);
      if (admin) {
        if (await verifyPassword(admin.password_hash, password))
          principal = { kind: 'provider', id: admin.id, name: admin.name, email: admin.email, via: 'session' };
      } else {
        const user = await ctx.store.auth.findLoginUser(username);
        if (user?.password_hash) {
          if (await verifyPassword(user.password_hash, password)) {
            principal = {
              kind: 'user',
              id: user.id,
              orgId: user.org_id,
              role: user.role,
              name: `${user.first_name} ${user.last_name}`.trim(),
              username: user.username,
              via: 'session',
            };
          }
        } else {
          await verifyPassword(await dummy(), password);
        }
      }

      if (!principal) {
        const next = recordLoginFailure(state, now);
        await ctx.store.auth.recordLoginFailure(
          username,
          next.failures,
          new Date(next.lastFailureAt),
          next.lockedUntil === null ? null : new Date(next.lockedUntil),
        );
        throw new AppError('invalid_credentials', 'Wrong username or password', 'password');
      }
      if (row) await ctx.store.auth.clearLoginFailures(username);

      const token = newToken();
      const csrfToken = newToken();
      await ctx.store.auth.createSession({
        tokenHash: tokenHash(token),
        kind: principal.kind,
        principalId: principal.id,
        orgId: principal.kind === 'user' ? principal.orgId : null,
        csrfToken,
        expiresAt: new Date(now + ctx.config.sessionTtlMs),
      });
      void reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.cookieSecure,
        path: '/',
        maxAge: Math.floor(ctx.config.sessionTtlMs / 1000),
      });
      return { principal: presentPrincipal(principal), csrfToken, csrfHeader: CSRF_HEADER };
    },
  );

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'End the current session' } }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await ctx.store.auth.deleteSession(tokenHash(cookie));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/v1/session', { schema: { tags: ['auth'], summary: 'The logged-in principal and its CSRF token' } }, async (request) => {
    const p = requirePrincipal(request);
    return { principal: presentPrincipal(p), csrfToken: p.csrfToken ?? null, csrfHeader: CSRF_HEADER };
  });

  app.get('/api/v1/api-tokens', { schema: { tags: ['auth'], summary: 'My API tokens (secrets are never shown again)' } }, async (request) => {
    const p = requirePrincipal(request);
    const rows = await ctx.store.auth.listApiTokens(p.kind, p.id);
    return { items: rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at })) };
  });

  app.post(
    '/api/v1/api-tokens',
    { schema: { tags: ['auth'], summary: 'Create an API token for automation; the secret is returned once', body: tokenBody } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const token = newToken(TOKEN_PREFIX);
      const row = await ctx.store.auth.createApiToken({
        tokenHash: tokenHash(token),
        kind: p.kind,
        principalId: p.id,
        orgId: p.kind === 'user' ? p.orgId : null,
        name: request.body.name,
      });
      return reply.status(201).send({ id: row.id, name: row.name, token, createdAt: row.created_at });
    },
  );

  app.delete(
    '/api/v1/api-tokens/:id',
    { schema: { tags: ['auth'], summary: 'Revoke an API token', params: z.object({ id: uuid }) } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const ok = await ctx.store.auth.revokeApiToken(p.kind, p.id, request.params.id, new Date(ctx.clock.now()));
      if (!ok) throw notFound('API token');
      return reply.status(204).send();
    },
  );
}
