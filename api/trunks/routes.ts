import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { authorize } from '../policies.ts';
import { orgItemParams, orgParams, page } from '../schemas/common.ts';
import { presentTrunk } from './presenter.ts';
import { trunkCreate, trunkListQuery, trunkUpdate } from './schemas.ts';
import { createTrunk, deleteTrunk, loadTrunk, updateTrunk } from './service.ts';

/** Carrier trunks (issue 3): where outbound calls leave and inbound calls arrive from. Organization admins only. */
export function registerTrunkRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['trunks'];
  const base = '/api/v1/organizations/:orgId/trunks';

  app.get(
    base,
    { schema: { tags, summary: 'List trunks, lowest priority value (tried first) first', params: orgParams, querystring: trunkListQuery } },
    async (request) => {
      const { orgId } = request.params;
      await authorize(ctx.store, requirePrincipal(request), orgId, 'trunks:manage');
      const q = request.query;
      const all = await ctx.store.trunks.list(orgId);
      return page(all.slice(q.offset, q.offset + q.limit).map(presentTrunk), all.length, q);
    },
  );

  app.post(
    base,
    { schema: { tags, summary: 'Add a trunk; the password is write-only (answered as hasPassword)', params: orgParams, body: trunkCreate } },
    async (request, reply) => {
      const access = await authorize(ctx.store, requirePrincipal(request), request.params.orgId, 'trunks:manage');
      const view = await ctx.store.transaction((tx) => createTrunk(tx, access, request.body));
      return reply.status(201).send(view);
    },
  );

  app.get(`${base}/:id`, { schema: { tags, summary: 'Read a trunk', params: orgItemParams } }, async (request) => {
    const { orgId, id } = request.params;
    await authorize(ctx.store, requirePrincipal(request), orgId, 'trunks:manage');
    return presentTrunk(await loadTrunk(ctx.store, orgId, id));
  });

  app.patch(
    `${base}/:id`,
    { schema: { tags, summary: 'Change a trunk; authPassword null removes the password', params: orgItemParams, body: trunkUpdate } },
    async (request) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'trunks:manage');
      return ctx.store.transaction((tx) => updateTrunk(tx, access, id, request.body));
    },
  );

  app.delete(`${base}/:id`, { schema: { tags, summary: 'Remove a trunk', params: orgItemParams } }, async (request, reply) => {
    const { orgId, id } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'trunks:manage');
    await ctx.store.transaction((tx) => deleteTrunk(tx, access, id));
    return reply.status(204).send();
  });
}
