import { requirePrincipal } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { conversionRulesPut, groupConversionParams, orgConversionParams, userConversionParams, type ConversionRulesPutBody } from './schemas.ts';
import { readConversionRules, replaceConversionRules, resolveConversionTarget, type ConversionTarget } from './service.ts';

/**
 * Number conversion (SPEC §3): prefix rewrites of dialled numbers on the organization, a group or a
 * user. A caller's lists are tried most specific first (user, groups by priority, organization).
 */
export function registerNumberConversionRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['number-conversion'];
  const base = '/api/v1/organizations/:orgId/number-conversion';

  const read = async (principal: Principal, orgId: string, target: ConversionTarget) =>
    readConversionRules(ctx.store, await resolveConversionTarget(ctx.store, principal, orgId, target));
  const put = async (principal: Principal, orgId: string, target: ConversionTarget, body: ConversionRulesPutBody) =>
    ctx.store.transaction(async (tx) => replaceConversionRules(tx, await resolveConversionTarget(tx, principal, orgId, target), body.rules));

  const orgTarget: ConversionTarget = { level: 'organization' };
  app.get(
    `${base}/organization`,
    { schema: { tags, summary: "The organization's number conversion rules, in the order they are tried", params: orgConversionParams } },
    async (request) => read(requirePrincipal(request), request.params.orgId, orgTarget),
  );
  app.put(
    `${base}/organization`,
    {
      schema: {
        tags,
        summary: "Replace the organization's number conversion rules (organization admins; at most 200)",
        params: orgConversionParams,
        body: conversionRulesPut,
      },
    },
    async (request) => put(requirePrincipal(request), request.params.orgId, orgTarget, request.body),
  );

  const groupTarget = (p: { groupId: string }): ConversionTarget => ({ level: 'group', groupId: p.groupId });
  app.get(`${base}/groups/:groupId`, { schema: { tags, summary: "A user group's number conversion rules", params: groupConversionParams } }, async (request) =>
    read(requirePrincipal(request), request.params.orgId, groupTarget(request.params)),
  );
  app.put(
    `${base}/groups/:groupId`,
    {
      schema: {
        tags,
        summary: "Replace a user group's number conversion rules (organization admins and the group's group admins)",
        params: groupConversionParams,
        body: conversionRulesPut,
      },
    },
    async (request) => put(requirePrincipal(request), request.params.orgId, groupTarget(request.params), request.body),
  );

  const userTarget = (p: { userId: string }): ConversionTarget => ({ level: 'user', userId: p.userId });
  app.get(`${base}/users/:userId`, { schema: { tags, summary: "A user's own number conversion rules", params: userConversionParams } }, async (request) =>
    read(requirePrincipal(request), request.params.orgId, userTarget(request.params)),
  );
  app.put(
    `${base}/users/:userId`,
    {
      schema: { tags, summary: "Replace a user's own number conversion rules (organization admins)", params: userConversionParams, body: conversionRulesPut },
    },
    async (request) => put(requirePrincipal(request), request.params.orgId, userTarget(request.params), request.body),
  );
}
