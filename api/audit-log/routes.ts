import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { authorize } from '../policies.ts';
import { listQuery, orgParams, page } from '../schemas/common.ts';
import { presentAuditEntry } from './presenter.ts';

export const auditListQuery = listQuery.extend({
  resourceType: z.string().max(60).optional(),
  resourceId: z.string().max(200).optional(),
  actorId: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
});

/** The audit log of administrative changes (SPEC §15). Read-only: there is no route that writes it. */
export function registerAuditLogRoutes(app: ZApp, ctx: ApiContext): void {
  app.get(
    '/api/v1/organizations/:orgId/audit-log',
    {
      schema: {
        tags: ['audit-log'],
        summary: 'Administrative changes, newest first; filter by resource, actor, action or free text',
        params: orgParams,
        querystring: auditListQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      await authorize(ctx.store, requirePrincipal(request), orgId, 'audit:read');
      const q = request.query;
      const res = await ctx.store.audit.list(orgId, q);
      return page(res.items.map(presentAuditEntry), res.total, q);
    },
  );
}
