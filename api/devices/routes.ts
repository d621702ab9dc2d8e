import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { AppError } from '../errors.ts';
import { authorize } from '../policies.ts';
import { orgItemParams, orgParams, page } from '../schemas/common.ts';
import { loadUserInScope } from '../users/service.ts';
import { importDeskPhones } from './desk-phone-import.ts';
import { deviceCreate, deviceListQuery, deviceUpdate, importQuery, invitationsBody, userDevicesParams } from './schemas.ts';
import { createDevice, deleteDevice, inviteMobiles, loadDeviceInScope, presentWithOwners, updateDevice } from './service.ts';

/** Thrown inside the transaction of a dry run so that nothing of it is kept. */
class DryRun<T> extends Error {
  constructor(readonly result: T) {
    super('dry run: rolled back');
  }
}

/** The CSV text of an import: a text/csv body, or the one file of a multipart upload from the portal. */
async function importText(request: FastifyRequest): Promise<string> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw new AppError('validation_failed', 'Attach the CSV file', 'file');
    return (await file.toBuffer()).toString('utf8');
  }
  if (typeof request.body !== 'string') throw new AppError('unsupported_media_type', 'Send the phones as text/csv', 'content-type');
  return request.body;
}

/** Devices (SPEC §5): softphones, mobiles, desk phones and third-party SIP accounts; invitations; CSV upload. */
export function registerDeviceRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['devices'];
  const base = '/api/v1/organizations/:orgId/devices';

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'List devices; filter by kind and user, search MAC, model, description, number and IP',
        params: orgParams,
        querystring: deviceListQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'devices:read');
      const q = request.query;
      const res = await ctx.store.devices.list(orgId, { ...q, ...(access.scope.kind === 'groups' && { withinGroups: [...access.scope.groupIds] }) });
      return page(await presentWithOwners(ctx.store, orgId, res.items), res.total, q);
    },
  );

  app.post(
    base,
    { schema: { tags, summary: 'Add a device; a generated SIP password is returned once, in this response only', params: orgParams, body: deviceCreate } },
    async (request, reply) => {
      const access = await authorize(ctx.store, requirePrincipal(request), request.params.orgId, 'devices:write');
      const { device, generatedSipPassword } = await ctx.store.transaction((tx) => createDevice(tx, access, request.body));
      return reply.status(201).send(generatedSipPassword === undefined ? device : { ...device, sipPassword: generatedSipPassword });
    },
  );

  app.post(
    `${base}/invitations`,
    {
      schema: {
        tags,
        summary: 'Send the smartphone-client invitation to the selected mobile phones; answers each one’s invitation state',
        params: orgParams,
        body: invitationsBody,
      },
    },
    async (request) => {
      const access = await authorize(ctx.store, requirePrincipal(request), request.params.orgId, 'devices:write');
      return ctx.store.transaction((tx) => inviteMobiles(tx, access, request.body.deviceIds, new Date(ctx.clock.now())));
    },
  );

  app.post(
    `${base}/desk-phones/import`,
    {
      schema: {
        tags,
        summary: 'Add desk phones from a CSV file (mac;model;description;username, header row). All or nothing; `dryRun=true` previews',
        params: orgParams,
        querystring: importQuery,
      },
    },
    async (request, reply) => {
      const access = await authorize(ctx.store, requirePrincipal(request), request.params.orgId, 'devices:write');
      const text = await importText(request);
      const { dryRun } = request.query;
      try {
        const result = await ctx.store.transaction(async (tx) => {
          const r = await importDeskPhones(tx, access, text);
          if (dryRun) throw new DryRun(r);
          return r;
        });
        return reply.status(201).send({ dryRun: false, ...result });
      } catch (err) {
        if (!(err instanceof DryRun)) throw err;
        const preview = err.result as Awaited<ReturnType<typeof importDeskPhones>>;
        return reply.status(200).send({ dryRun: true, count: preview.count, rows: preview.rows, items: [] });
      }
    },
  );

  app.get(`${base}/:id`, { schema: { tags, summary: 'Read a device', params: orgItemParams } }, async (request) => {
    const { orgId, id } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'devices:read');
    const [view] = await presentWithOwners(ctx.store, orgId, [await loadDeviceInScope(ctx.store, access, id)]);
    return view;
  });

  app.patch(
    `${base}/:id`,
    { schema: { tags, summary: 'Change a device; only the fields of its kind', params: orgItemParams, body: deviceUpdate } },
    async (request) => {
      const { orgId, id } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'devices:write');
      return ctx.store.transaction((tx) => updateDevice(tx, access, id, request.body));
    },
  );

  app.delete(`${base}/:id`, { schema: { tags, summary: 'Remove a device', params: orgItemParams } }, async (request, reply) => {
    const { orgId, id } = request.params;
    const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'devices:write');
    await ctx.store.transaction((tx) => deleteDevice(tx, access, id));
    return reply.status(204).send();
  });

  app.get(
    '/api/v1/organizations/:orgId/users/:userId/devices',
    { schema: { tags, summary: "A user's devices", params: userDevicesParams, querystring: deviceListQuery.omit({ userId: true }) } },
    async (request) => {
      const { orgId, userId } = request.params;
      const access = await authorize(ctx.store, requirePrincipal(request), orgId, 'devices:read');
      await loadUserInScope(ctx.store, access, userId);
      const q = request.query;
      const res = await ctx.store.devices.list(orgId, { ...q, userId });
      return page(await presentWithOwners(ctx.store, orgId, res.items), res.total, q);
    },
  );
}
