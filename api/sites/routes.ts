import { z } from 'zod';
import { uniqueViolation } from '../../store/repos/executor.ts';
import type { Site } from '../../store/database.ts';
import { audit } from '../audit.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { authorize } from '../policies.ts';
import { listQuery, name, orgItemParams, orgParams, page, timeZone } from '../schemas/common.ts';

const siteCreate = z.strictObject({ name, address: z.string().trim().max(300).optional(), timeZone: timeZone.nullable().optional() });
const siteUpdate = siteCreate.partial();

function presentSite(s: Site) {
  return { id: s.id, name: s.name, address: s.address, timeZone: s.time_zone, createdAt: s.created_at, updatedAt: s.updated_at };
}

function duplicateName(err: unknown): never {
  if (uniqueViolation(err)) throw new AppError('duplicate', 'A site with this name already exists', 'name');
  throw err;
}

/** Sites of an organization (provider → organizations → sites). */
export function registerSiteRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['sites'];
  const base = '/api/v1/organizations/:orgId/sites';

  app.get(base, { schema: { tags, summary: 'List sites', params: orgParams, querystring: listQuery } }, async (request) => {
    const { orgId } = request.params;
    await authorize(ctx.store, requirePrincipal(request), orgId, 'sites:read');
    const res = await ctx.store.sites.list(orgId, request.query);
    return page(res.items.map(presentSite), res.total, request.query);
  });

  app.post(base, { schema: { tags, summary: 'Create a site', params: orgParams, body: siteCreate } }, async (request, reply) => {
    const p = requirePrincipal(request);
    const { orgId } = request.params;
    await authorize(ctx.store, p, orgId, 'sites:write');
    const site = await ctx.store
      .transaction(async (tx) => {
        const s = await tx.sites.create(orgId, request.body);
        await audit(tx, p, orgId, 'site.create', { type: 'site', id: s.id }, null, s);
        return s;
      })
      .catch(duplicateName);
    return reply.status(201).send(presentSite(site));
  });

  app.get(`${base}/:id`, { schema: { tags, summary: 'Read a site', params: orgItemParams } }, async (request) => {
    const { orgId, id } = request.params;
    await authorize(ctx.store, requirePrincipal(request), orgId, 'sites:read');
    const s = await ctx.store.sites.get(orgId, id);
    if (!s) throw notFound('Site');
    return presentSite(s);
  });

  app.patch(`${base}/:id`, { schema: { tags, summary: 'Change a site', params: orgItemParams, body: siteUpdate } }, async (request) => {
    const p = requirePrincipal(request);
    const { orgId, id } = request.params;
    await authorize(ctx.store, p, orgId, 'sites:write');
    const s = await ctx.store
      .transaction(async (tx) => {
        const before = await tx.sites.get(orgId, id);
        if (!before) throw notFound('Site');
        const after = await tx.sites.update(orgId, id, request.body);
        await audit(tx, p, orgId, 'site.update', { type: 'site', id }, before, after);
        return after;
      })
      .catch(duplicateName);
    if (!s) throw notFound('Site');
    return presentSite(s);
  });

  app.delete(
    `${base}/:id`,
    { schema: { tags, summary: 'Delete a site (its users keep working, without a site)', params: orgItemParams } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const { orgId, id } = request.params;
      await authorize(ctx.store, p, orgId, 'sites:write');
      await ctx.store.transaction(async (tx) => {
        const before = await tx.sites.get(orgId, id);
        if (!before || !(await tx.sites.delete(orgId, id))) throw notFound('Site');
        await audit(tx, p, orgId, 'site.delete', { type: 'site', id }, before, null);
      });
      return reply.status(204).send();
    },
  );
}
