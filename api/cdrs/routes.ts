import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { authorize } from '../policies.ts';
import { orgParams, page } from '../schemas/common.ts';
import { presentCdr } from './presenter.ts';
import { cdrListQuery } from './schemas.ts';

/** Call detail records the B2BUA writes. Read-only. */
export function registerCdrRoutes(app: ZApp, ctx: ApiContext): void {
  app.get(
    '/api/v1/organizations/:orgId/cdrs',
    {
      schema: {
        tags: ['cdrs'],
        summary: 'Calls, newest first; filter by start time window [from, to), direction and user (caller or callee)',
        params: orgParams,
        querystring: cdrListQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      await authorize(ctx.store, requirePrincipal(request), orgId, 'cdrs:read');
      const q = request.query;
      const res = await ctx.store.cdrs.list(orgId, q);
      return page(res.items.map(presentCdr), res.total, q);
    },
  );
}
