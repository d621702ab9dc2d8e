import { z } from 'zod';
import type { FunctionNumberRow, ScheduleRow } from '../../store/repos/function-numbers-repo.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { authorize } from '../policies.ts';
import { orgParams } from '../schemas/common.ts';

const kindQuery = z.object({ kind: z.enum(['acd', 'attendant', 'hunt', 'ivr', 'rule_based', 'group_inbox']).optional() });

function presentFunctionNumber(f: FunctionNumberRow) {
  return {
    id: f.id,
    kind: f.kind,
    number: f.number,
    name: f.name,
    featureCodeId: f.feature_code_id,
    config: f.config,
    createdAt: f.created_at,
    updatedAt: f.updated_at,
  };
}

function presentSchedule(s: ScheduleRow) {
  return { id: s.id, name: s.name, functionNumberId: s.function_number_id, events: s.events, createdAt: s.created_at, updatedAt: s.updated_at };
}

/**
 * Function numbers (SPEC §10) and schedules (§9), read-only for now: their numbers are reserved
 * with everything else's, and the engine issues add their editing and routing.
 */
export function registerFunctionNumberRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['function numbers'];
  app.get(
    '/api/v1/organizations/:orgId/function-numbers',
    {
      schema: {
        tags,
        summary: 'Function numbers: ACD, attendant and hunt groups, IVRs, rule-based numbers, group inboxes',
        params: orgParams,
        querystring: kindQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      await authorize(ctx.store, requirePrincipal(request), orgId, 'numbers:read');
      const items = (await ctx.store.functionNumbers.list(orgId, request.query.kind)).map(presentFunctionNumber);
      return { items, total: items.length };
    },
  );
  app.get('/api/v1/organizations/:orgId/schedules', { schema: { tags, summary: 'Schedules of function numbers', params: orgParams } }, async (request) => {
    const { orgId } = request.params;
    await authorize(ctx.store, requirePrincipal(request), orgId, 'numbers:read');
    const items = (await ctx.store.functionNumbers.listSchedules(orgId)).map(presentSchedule);
    return { items, total: items.length };
  });
}
