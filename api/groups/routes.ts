import { uniqueViolation } from '../../store/repos/executor.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { AppError } from '../errors.ts';
import { authorize } from '../policies.ts';
import { orgParams, page } from '../schemas/common.ts';
import { presentUser } from '../users/presenter.ts';
import { presentGroup } from './presenter.ts';
import { groupAdministers, groupCreate, groupListQuery, groupMembers, groupOrder, groupParams, groupUpdate, memberListQuery } from './schemas.ts';
import { changeGroupMembers, createGroup, deleteGroup, loadGroupInScope, setAdministeredGroups, setGroupOrder, updateGroup } from './service.ts';

/** A concurrent request that took the name first (the pre-check is case-insensitive, this is the backstop). */
function duplicateName(err: unknown): never {
  if (uniqueViolation(err)) throw new AppError('duplicate', 'A group with this name already exists', 'name');
  throw err;
}

/**
 * User groups (SPEC §4): CRUD, the priority order settings resolve in, members, and the groups an
 * admin group administers. Group admins read their administered groups and change their members;
 * everything else is for organization admins.
 */
export function registerGroupRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['groups'];
  const base = '/api/v1/organizations/:orgId/groups';

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'List user groups, highest priority first (group admins see the groups they administer)',
        params: orgParams,
        querystring: groupListQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:read');
      const q = request.query;
      const res = await ctx.store.groups.list(orgId, { ...q, ...(access.scope.kind === 'groups' && { ids: [...access.scope.groupIds] }) });
      return page(res.items.map(presentGroup), res.total, q);
    },
  );

  app.post(
    base,
    { schema: { tags, summary: 'Create a user group (last in priority unless `priority` is given)', params: orgParams, body: groupCreate } },
    async (request, reply) => {
      const access = await authorize(ctx.store, requirePrincipal(request), request.params.orgId, 'groups:create');
      const g = await ctx.store.transaction((tx) => createGroup(tx, access, request.body)).catch(duplicateName);
      return reply.status(201).send(presentGroup(g));
    },
  );

  app.put(
    `${base}/order`,
    { schema: { tags, summary: 'Set the priority order: every group exactly once, priority 1 (highest) first', params: orgParams, body: groupOrder } },
    async (request) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:create');
      const groups = await ctx.store.transaction(async (tx) => {
        const ids = await setGroupOrder(tx, access, request.body.groupIds);
        return (await tx.groups.list(orgId, { limit: Math.max(ids.length, 1), offset: 0, sort: 'priority', order: 'asc' })).items;
      });
      return page(groups.map(presentGroup), groups.length, { limit: groups.length, offset: 0 });
    },
  );

  app.get(`${base}/:id`, { schema: { tags, summary: 'Read a user group', params: groupParams } }, async (request) => {
    const { orgId, id } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:read');
    return presentGroup(await loadGroupInScope(ctx.store, access, id));
  });

  app.patch(
    `${base}/:id`,
    { schema: { tags, summary: 'Change a user group: name, description, flags, priority', params: groupParams, body: groupUpdate } },
    async (request) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:create');
      const g = await ctx.store.transaction((tx) => updateGroup(tx, access, id, request.body)).catch(duplicateName);
      return presentGroup(g);
    },
  );

  app.delete(
    `${base}/:id`,
    { schema: { tags, summary: 'Delete a user group (its members stay, without it)', params: groupParams } },
    async (request, reply) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:create');
      await ctx.store.transaction((tx) => deleteGroup(tx, access, id));
      return reply.status(204).send();
    },
  );

  app.get(
    `${base}/:id/members`,
    { schema: { tags, summary: 'List the members of a user group', params: groupParams, querystring: memberListQuery } },
    async (request) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:read');
      await loadGroupInScope(ctx.store, access, id);
      const q = request.query;
      const res = await ctx.store.users.list(orgId, { ...q, groupId: id });
      return page(res.items.map(presentUser), res.total, q);
    },
  );

  app.post(`${base}/:id/members`, { schema: { tags, summary: 'Add users to a user group', params: groupParams, body: groupMembers } }, async (request) => {
    const { orgId, id } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:write');
    return ctx.store.transaction((tx) => changeGroupMembers(tx, access, id, request.body.userIds, 'add'));
  });

  const remove = { schema: { tags, summary: 'Remove users from a user group', params: groupParams, body: groupMembers } };
  const removeMembers = async (principal: Principal, orgId: string, id: string, userIds: readonly string[]) => {
    const access = await authorize(ctx.store, principal, orgId, 'groups:write');
    return ctx.store.transaction((tx) => changeGroupMembers(tx, access, id, userIds, 'remove'));
  };
  app.delete(`${base}/:id/members`, remove, async (request) =>
    removeMembers(requirePrincipal(request), request.params.orgId, request.params.id, request.body.userIds),
  );
  app.post(`${base}/:id/members/remove`, remove, async (request) =>
    removeMembers(requirePrincipal(request), request.params.orgId, request.params.id, request.body.userIds),
  );

  app.put(
    `${base}/:id/administers`,
    { schema: { tags, summary: 'Set the groups the group admins of this admin group administer', params: groupParams, body: groupAdministers } },
    async (request) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'groups:create');
      return presentGroup(await ctx.store.transaction((tx) => setAdministeredGroups(tx, access, id, request.body.groupIds)));
    },
  );
}
