import { audit } from '../audit.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { roleOf } from '../auth/principal.ts';
import { AppError, notFound } from '../errors.ts';
import { authorize, authorizeProvider, roleCan } from '../policies.ts';
import { listQuery, orgParams, page } from '../schemas/common.ts';
import { uniqueViolation } from '../../store/repos/executor.ts';
import { presentOrganization } from './presenter.ts';
import { organizationCreate, organizationUpdate } from './schemas.ts';

function conflictFromUnique(err: unknown): never {
  const c = uniqueViolation(err);
  if (c?.includes('sip_domain')) throw new AppError('duplicate', 'Another organization already uses this SIP domain', 'sipDomain');
  if (c?.includes('slug')) throw new AppError('duplicate', 'Another organization already uses this slug', 'slug');
  throw err;
}

/** Organizations: the provider creates and lists them; org admins read and edit their own. */
export function registerOrganizationRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['organizations'];

  app.get(
    '/api/v1/organizations',
    { schema: { tags, summary: 'List organizations (provider) or my organization', querystring: listQuery } },
    async (request) => {
      const p = requirePrincipal(request);
      const q = request.query;
      if (p.kind === 'user') {
        const org = await ctx.store.organizations.get(p.orgId);
        const items = org ? [presentOrganization(org)] : [];
        return page(items, items.length, q);
      }
      authorizeProvider(p, 'organizations:list');
      const res = await ctx.store.organizations.listForProvider(q);
      return page(res.items.map(presentOrganization), res.total, q);
    },
  );

  app.post('/api/v1/organizations', { schema: { tags, summary: 'Create an organization', body: organizationCreate } }, async (request, reply) => {
    const p = requirePrincipal(request);
    authorizeProvider(p, 'organizations:create');
    const org = await ctx.store
      .transaction(async (tx) => {
        const created = await tx.organizations.create(request.body);
        await audit(tx, p, created.id, 'organization.create', { type: 'organization', id: created.id }, null, created);
        return created;
      })
      .catch(conflictFromUnique);
    return reply.status(201).send(presentOrganization(org));
  });

  app.get('/api/v1/organizations/:orgId', { schema: { tags, summary: 'Read an organization', params: orgParams } }, async (request) => {
    const p = requirePrincipal(request);
    await authorize(ctx.store, p, request.params.orgId, 'organization:read');
    const org = await ctx.store.organizations.get(request.params.orgId);
    if (!org) throw notFound('Organization');
    return presentOrganization(org);
  });

  app.patch(
    '/api/v1/organizations/:orgId',
    { schema: { tags, summary: 'Change an organization', params: orgParams, body: organizationUpdate } },
    async (request) => {
      const p = requirePrincipal(request);
      const { orgId } = request.params;
      await authorize(ctx.store, p, orgId, 'organization:update');
      if (request.body.maxOutboundCalls !== undefined && !roleCan(roleOf(p), 'organization-limits:write'))
        throw new AppError('forbidden', 'Only the provider sets the number of concurrent outbound calls', 'maxOutboundCalls');
      const org = await ctx.store
        .transaction(async (tx) => {
          const before = await tx.organizations.get(orgId);
          if (!before) throw notFound('Organization');
          const after = await tx.organizations.update(orgId, request.body);
          // Counted after the update, which holds the row lock that device credential writes wait
          // for: no device can get a digest with the old domain in between.
          if (after && after.sip_domain !== before.sip_domain) {
            const n = await tx.devices.countWithSipCredentials(orgId);
            if (n > 0)
              throw new AppError(
                'conflict',
                `sipDomain cannot change while ${n} device${n === 1 ? ' has' : 's have'} SIP credentials: their stored password digests include the domain. Remove the credentials first`,
                'sipDomain',
              );
          }
          await audit(tx, p, orgId, 'organization.update', { type: 'organization', id: orgId }, before, after);
          return after;
        })
        .catch(conflictFromUnique);
      if (!org) throw notFound('Organization');
      return presentOrganization(org);
    },
  );

  app.delete(
    '/api/v1/organizations/:orgId',
    { schema: { tags, summary: 'Delete an organization and everything in it', params: orgParams } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const { orgId } = request.params;
      await authorize(ctx.store, p, orgId, 'organizations:delete');
      await ctx.store.transaction(async (tx) => {
        const before = await tx.organizations.get(orgId);
        if (!before || !(await tx.organizations.delete(orgId))) throw notFound('Organization');
        await audit(tx, p, orgId, 'organization.delete', { type: 'organization', id: orgId }, before, null);
      });
      return reply.status(204).send();
    },
  );
}
