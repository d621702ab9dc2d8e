import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { orgItemParams, page } from '../schemas/common.ts';
import { contactAccess, ownerAccess, ownerOf, requireTenant, type OwnerParams } from './access.ts';
import { registerContactImportRoutes } from './import-routes.ts';
import { presentContacts } from './presenter.ts';
import { CONTACT_LIST_LEVELS, contactCreate, contactListQuery, contactUpdate, userOwnerParams } from './schemas.ts';
import { createContact, deleteContact, effectiveContacts, loadContact, presentOne, updateContact } from './service.ts';

/** Contact lists per organization, group and user, inherited downward (SPEC §4). */
export function registerContactRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['contacts'];

  for (const level of CONTACT_LIST_LEVELS) {
    app.get(
      `${level.prefix}/contacts`,
      {
        schema: {
          tags,
          summary: `List and search the contacts of ${level.what} (own list, not inherited)`,
          params: level.params,
          querystring: contactListQuery,
        },
      },
      async (request) => {
        const p = request.params as OwnerParams;
        const owner = ownerOf(p);
        await ownerAccess(ctx.store, requirePrincipal(request), p.orgId, owner, 'read');
        const q = request.query;
        const res = await ctx.store.contacts.list(p.orgId, [owner], q);
        return page(await presentContacts(ctx.store, p.orgId, res.items), res.total, q);
      },
    );

    app.post(
      `${level.prefix}/contacts`,
      {
        schema: {
          tags,
          summary: `Add a contact to ${level.what}: internal (contactUserId, mandatory) or external (names, 1–10 numbers)`,
          params: level.params,
          body: contactCreate,
        },
      },
      async (request, reply) => {
        const p = request.params as OwnerParams;
        const access = await ownerAccess(ctx.store, requirePrincipal(request), p.orgId, ownerOf(p), 'write');
        const row = await ctx.store.transaction((tx) => createContact(tx, access, request.body));
        return reply.status(201).send(await presentOne(ctx.store, p.orgId, row));
      },
    );
  }

  app.get(
    '/api/v1/organizations/:orgId/users/:userId/contacts/effective',
    {
      schema: {
        tags,
        summary: 'The contacts a user has: the organization’s, their groups’ and their own, each with inheritedFrom and removable',
        params: userOwnerParams,
        querystring: contactListQuery,
      },
    },
    async (request) => {
      const { orgId, userId } = request.params;
      await ownerAccess(ctx.store, requirePrincipal(request), orgId, { level: 'user', id: userId }, 'read');
      const q = request.query;
      const res = await effectiveContacts(ctx.store, orgId, userId, q);
      return page(res.items, res.total, q);
    },
  );

  const item = '/api/v1/organizations/:orgId/contacts/:id';

  app.get(item, { schema: { tags, summary: 'Read a contact of any list of the organization', params: orgItemParams } }, async (request) => {
    const { orgId, id } = request.params;
    const principal = requirePrincipal(request);
    requireTenant(principal, orgId, 'Contact');
    const c = await loadContact(ctx.store, orgId, id);
    await contactAccess(ctx.store, principal, orgId, { level: c.owner_level, id: c.owner_id }, 'read');
    return presentOne(ctx.store, orgId, c);
  });

  app.patch(
    item,
    { schema: { tags, summary: 'Change a contact; `numbers` replaces the current ones when given', params: orgItemParams, body: contactUpdate } },
    async (request) => {
      const { orgId, id } = request.params;
      const principal = requirePrincipal(request);
      requireTenant(principal, orgId, 'Contact');
      const row = await ctx.store.transaction(async (tx) => {
        const before = await loadContact(tx, orgId, id);
        const access = await contactAccess(tx, principal, orgId, { level: before.owner_level, id: before.owner_id }, 'write');
        return updateContact(tx, access, before, request.body);
      });
      return presentOne(ctx.store, orgId, row);
    },
  );

  app.delete(item, { schema: { tags, summary: 'Remove a contact; users cannot remove mandatory ones', params: orgItemParams } }, async (request, reply) => {
    const { orgId, id } = request.params;
    const principal = requirePrincipal(request);
    requireTenant(principal, orgId, 'Contact');
    await ctx.store.transaction(async (tx) => {
      const before = await loadContact(tx, orgId, id);
      const access = await contactAccess(tx, principal, orgId, { level: before.owner_level, id: before.owner_id }, 'write');
      await deleteContact(tx, access, before);
    });
    return reply.status(204).send();
  });

  registerContactImportRoutes(app, ctx);
}
