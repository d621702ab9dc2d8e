import { audit } from '../audit.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { notFound } from '../errors.ts';
import { authorize, requireOrganizationScope } from '../policies.ts';
import { orgItemParams, orgParams, page } from '../schemas/common.ts';
import { presentDirectoryFields } from './presenter.ts';
import { directoryFieldsBody, moderationListQuery } from './schemas.ts';
import { decideModeration, presentModerations } from './service.ts';

/** Directory fields (SPEC §4): the six names of an organization, and moderation of users' own changes. */
export function registerDirectoryRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['directory'];
  const fields = '/api/v1/organizations/:orgId/directory-fields';
  const moderation = '/api/v1/organizations/:orgId/directory-moderation';

  app.get(fields, { schema: { tags, summary: 'The six directory fields: number, name, searchable (fields 1–3)', params: orgParams } }, async (request) => {
    const { orgId } = request.params;
    await authorize(ctx.store, requirePrincipal(request), orgId, 'organization:read');
    const org = await ctx.store.organizations.get(orgId);
    if (!org) throw notFound('Organization');
    return presentDirectoryFields(org.directory_field_names);
  });

  app.put(fields, { schema: { tags, summary: 'Rename the six directory fields', params: orgParams, body: directoryFieldsBody } }, async (request) => {
    const { orgId } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'organization:update');
    requireOrganizationScope(access.scope);
    const org = await ctx.store.transaction(async (tx) => {
      const before = await tx.organizations.get(orgId);
      if (!before) throw notFound('Organization');
      const after = await tx.organizations.update(orgId, { directoryFieldNames: request.body.names });
      if (!after) throw notFound('Organization');
      await audit(
        tx,
        access.principal,
        orgId,
        'directory.fields_update',
        { type: 'organization', id: orgId },
        { names: before.directory_field_names },
        { names: after.directory_field_names },
      );
      return after;
    });
    return presentDirectoryFields(org.directory_field_names);
  });

  app.get(
    moderation,
    {
      schema: {
        tags,
        summary: "Users' own directory changes waiting for (or given) a decision; group admins see their users'",
        params: orgParams,
        querystring: moderationListQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'directory:moderate');
      const q = request.query;
      const res = await ctx.store.directory.list(orgId, { ...q, ...(access.scope.kind === 'groups' && { withinGroups: [...access.scope.groupIds] }) });
      return page(await presentModerations(ctx.store, orgId, res.items), res.total, q);
    },
  );

  for (const [action, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    app.post(
      `${moderation}/:id/${action}`,
      {
        schema: {
          tags,
          summary: decision === 'approved' ? "Approve a change: the value is applied to the user's directory field" : 'Reject a change',
          params: orgItemParams,
        },
      },
      async (request) => {
        const { orgId, id } = request.params;
        const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'directory:moderate');
        return ctx.store.transaction((tx) => decideModeration(tx, access, id, decision, new Date(ctx.clock.now())));
      },
    );
  }
}
