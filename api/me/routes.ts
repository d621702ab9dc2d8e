import type { FastifyRequest } from 'fastify';
import { audit } from '../audit.ts';
import { requirePrincipal, SESSION_COOKIE } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { hashPassword, tokenHash, verifyPassword } from '../auth/secrets.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { presentWithOwners } from '../devices/service.ts';
import { deviceListQuery } from '../devices/schemas.ts';
import { presentDirectoryFields } from '../directory/presenter.ts';
import { editableFields, presentModerations, requestOwnDirectoryChange, sixValues } from '../directory/service.ts';
import { AppError, notFound } from '../errors.ts';
import { page } from '../schemas/common.ts';
import { presentUser } from '../users/presenter.ts';
import { directoryChangeBody, directoryFieldParams, meUpdate } from './schemas.ts';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** The logged-in user of an organization; a provider admin has no "me" here (404). */
function requireUser(request: FastifyRequest): UserPrincipal {
  const p = requirePrincipal(request);
  if (p.kind !== 'user') throw notFound('User');
  return p;
}

/** The user's own account (any role): profile, password, directory fields (moderated) and devices. */
export function registerMeRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['me'];

  app.get('/api/v1/me', { schema: { tags, summary: 'My user' } }, async (request) => {
    const p = requireUser(request);
    const u = await ctx.store.users.get(p.orgId, p.id);
    if (!u) throw notFound('User');
    return presentUser(u);
  });

  app.patch(
    '/api/v1/me',
    { schema: { tags, summary: 'Change my language, forwarding number or password (the current one is required)', body: meUpdate } },
    async (request) => {
      const p = requireUser(request);
      const { password, ...fields } = request.body;
      const current = await ctx.store.users.get(p.orgId, p.id);
      if (!current) throw notFound('User');
      let passwordHash: string | undefined;
      if (password) {
        const ok = current.password_hash !== null && (await verifyPassword(current.password_hash, password.current));
        if (!ok) throw new AppError('validation_failed', 'The current password is wrong', 'password.current');
        passwordHash = await hashPassword(password.new, ctx.config.passwordCost);
      }
      const user = await ctx.store.transaction(async (tx) => {
        const before = await tx.users.get(p.orgId, p.id);
        if (!before) throw notFound('User');
        await tx.users.update(p.orgId, p.id, { ...fields, ...(passwordHash !== undefined && { passwordHash }) });
        // A new password ends every other session: whoever knew the old one is logged out.
        if (passwordHash !== undefined) {
          const cookie = request.cookies[SESSION_COOKIE];
          await tx.auth.deleteSessionsOf('user', p.id, cookie ? tokenHash(cookie) : undefined);
        }
        const after = await tx.users.get(p.orgId, p.id);
        if (!after) throw notFound('User');
        await audit(tx, p, p.orgId, 'user.self_update', { type: 'user', id: p.id }, presentUser(before), {
          ...presentUser(after),
          ...(passwordHash !== undefined && { passwordChanged: true }),
        });
        return after;
      });
      return presentUser(user);
    },
  );

  app.get(
    '/api/v1/me/directory-fields',
    { schema: { tags, summary: 'My six directory fields: name, value, whether I may edit it, and my change waiting for approval' } },
    async (request) => {
      const p = requireUser(request);
      const [org, user, editable, pending] = await Promise.all([
        ctx.store.organizations.get(p.orgId),
        ctx.store.users.get(p.orgId, p.id),
        editableFields(ctx.store, p.orgId, p.id),
        ctx.store.directory.list(p.orgId, { userId: p.id, status: 'pending', limit: 6, offset: 0 }),
      ]);
      if (!org || !user) throw notFound('User');
      const values = sixValues(user.directory_fields);
      const requests = await presentModerations(ctx.store, p.orgId, pending.items);
      return presentDirectoryFields(org.directory_field_names).map((f) => {
        const r = requests.find((x) => x.field === f.field);
        return {
          ...f,
          value: values[f.field - 1] ?? '',
          editable: editable.has(f.field),
          pending: r ? { id: r.id, value: r.newValue, requestedAt: r.requestedAt } : null,
        };
      });
    },
  );

  app.put(
    '/api/v1/me/directory-fields/:field',
    {
      schema: {
        tags,
        summary: 'Ask to change one of my directory fields; it changes when an administrator approves (202)',
        params: directoryFieldParams,
        body: directoryChangeBody,
      },
    },
    async (request, reply) => {
      const p = requireUser(request);
      const view = await ctx.store.transaction((tx) => requestOwnDirectoryChange(tx, p, request.params.field, request.body.value));
      return reply.status(202).send(view);
    },
  );

  app.get(
    '/api/v1/me/devices',
    { schema: { tags, summary: 'My devices (SIP passwords are never shown)', querystring: deviceListQuery.omit({ userId: true }) } },
    async (request) => {
      const p = requireUser(request);
      const q = request.query;
      const res = await ctx.store.devices.list(p.orgId, { ...q, userId: p.id });
      return page(await presentWithOwners(ctx.store, p.orgId, res.items), res.total, q);
    },
  );
}
