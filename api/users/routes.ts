import { audit } from '../audit.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { AppError } from '../errors.ts';
import { authorize, requireGroupInScope, scopeHasUser } from '../policies.ts';
import { orgItemParams, orgParams } from '../schemas/common.ts';
import { changeGroupMembers } from '../groups/service.ts';
import { userDirectory } from '../read-model/user-directory.ts';
import { presentUser } from './presenter.ts';
import { bulkUsers, userCopy, userCreate, userListQuery, userUpdate } from './schemas.ts';
import { createUser, deleteUser, loadUserInScope, updateUser } from './service.ts';

/** Users: list/search, CRUD, "create from this one" and bulk actions (SPEC §4). */
export function registerUserRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['users'];
  const base = '/api/v1/organizations/:orgId/users';
  const deps = { passwordCost: ctx.config.passwordCost };

  app.get(
    base,
    { schema: { tags, summary: 'List and search users (every field, lines included); filter by group', params: orgParams, querystring: userListQuery } },
    async (request, reply) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:read');
      const q = request.query;
      if (q.groupId) requireGroupInScope(access.scope, q.groupId);
      const directory = await userDirectory(ctx.readCache, ctx.store, orgId);
      const res = directory.listJson({ ...q, ...(access.scope.kind === 'groups' && { withinGroups: access.scope.groupIds }) });
      // Users are serialized once per directory build; the page is assembled from those strings.
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"items":[${res.items.join(',')}],"total":${res.total},"limit":${q.limit},"offset":${q.offset}}`);
    },
  );

  app.post(
    base,
    { schema: { tags, summary: 'Create a user with lines and group memberships', params: orgParams, body: userCreate } },
    async (request, reply) => {
      const access = await authorize(ctx.store, requirePrincipal(request), request.params.orgId, 'users:write');
      const user = await ctx.store.transaction((tx) => createUser(tx, access, request.body, deps));
      return reply.status(201).send(presentUser(user));
    },
  );

  app.get(`${base}/:id`, { schema: { tags, summary: 'Read a user', params: orgItemParams } }, async (request) => {
    const { orgId, id } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:read');
    return presentUser(await loadUserInScope(ctx.store, access, id));
  });

  app.patch(
    `${base}/:id`,
    { schema: { tags, summary: 'Change a user; `lines` and `groupIds` replace the current ones when given', params: orgItemParams, body: userUpdate } },
    async (request) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:write');
      const user = await ctx.store.transaction((tx) => updateUser(tx, access, id, request.body, deps));
      return presentUser(user);
    },
  );

  app.delete(`${base}/:id`, { schema: { tags, summary: 'Delete a user', params: orgItemParams } }, async (request, reply) => {
    const { orgId, id } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:write');
    await ctx.store.transaction((tx) => deleteUser(tx, access, id));
    return reply.status(204).send();
  });

  app.post(
    `${base}/:id/copy`,
    {
      schema: {
        tags,
        summary: 'Create a new user based on this one: copies every non-personal setting, memberships and user-level settings',
        params: orgItemParams,
        body: userCopy,
      },
    },
    async (request, reply) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:write');
      const user = await ctx.store.transaction(async (tx) => {
        const src = await loadUserInScope(tx, access, id);
        const created = await createUser(
          tx,
          access,
          {
            ...request.body,
            language: src.language as 'en',
            license: src.license as 'standard',
            role: src.role === 'org_admin' && access.scope.kind !== 'organization' ? 'user' : src.role,
            allowedApps: src.allowed_apps as ('web_softphone' | 'ipad' | 'unified_inbox' | 'collaboration')[],
            forwardNumber: null,
            siteId: src.site_id,
            calendarSyncId: null,
            directoryFields: src.directory_fields.map((v, i) => (i < 3 ? '' : v)),
            groupIds:
              access.scope.kind === 'groups' ? src.groupIds.filter((g) => (access.scope as { groupIds: ReadonlySet<string> }).groupIds.has(g)) : src.groupIds,
          },
          deps,
          false,
        );
        for (const s of await tx.settings.get(orgId, 'user', src.id)) await tx.settings.put(orgId, 'user', created.id, s.key, s.value);
        await audit(tx, access.principal, orgId, 'user.copy', { type: 'user', id: created.id }, { copiedFrom: src.id }, presentUser(created));
        return created;
      });
      return reply.status(201).send(presentUser(user));
    },
  );

  app.post(
    `${base}/bulk`,
    { schema: { tags, summary: 'Bulk: add to / remove from groups, delete, send welcome message', params: orgParams, body: bulkUsers } },
    async (request) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'users:write');
      const body = request.body;
      return ctx.store.transaction(async (tx) => {
        if (body.action === 'add_to_groups' || body.action === 'remove_from_groups') {
          const existing = new Set(await tx.groups.existing(orgId, body.groupIds));
          for (const [i, g] of body.groupIds.entries()) {
            if (!existing.has(g) || (access.scope.kind === 'groups' && !access.scope.groupIds.has(g)))
              throw new AppError('validation_failed', `Group ${g} does not exist`, `groupIds.${i}`);
          }
          let affected = 0;
          for (const g of body.groupIds) {
            affected += (await changeGroupMembers(tx, access, g, body.userIds, body.action === 'add_to_groups' ? 'add' : 'remove')).affected;
          }
          return { action: body.action, affected };
        }
        const users = new Map((await tx.users.getMany(orgId, body.userIds)).map((u) => [u.id, u]));
        for (const [i, uid] of body.userIds.entries()) {
          const u = users.get(uid);
          if (!u || !scopeHasUser(access.scope, u.groupIds)) throw new AppError('validation_failed', `User ${uid} does not exist`, `userIds.${i}`);
        }
        if (body.action === 'delete') {
          for (const uid of body.userIds) await deleteUser(tx, access, uid);
          return { action: body.action, affected: body.userIds.length };
        }
        // Delivery of the message belongs to the notification service; the portal shows when it was sent.
        const n = await tx.users.markWelcomeSent(orgId, body.userIds, new Date(ctx.clock.now()));
        await audit(tx, access.principal, orgId, 'user.bulk_send_welcome', { type: 'user', id: null }, null, { userIds: body.userIds, channel: body.channel });
        return { action: body.action, affected: n };
      });
    },
  );
}
