import { requirePrincipal } from '../auth/authenticate.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { authorize } from '../policies.ts';
import { orgParams } from '../schemas/common.ts';
import { presentRegistration } from './presenter.ts';
import { registrationListQuery } from './schemas.ts';

/** What the SIP service reports: current registrations of the organization's devices. */
export function registerSipRoutes(app: ZApp, ctx: ApiContext): void {
  app.get(
    '/api/v1/organizations/:orgId/sip/registrations',
    {
      schema: {
        tags: ['sip'],
        summary: 'Current (unexpired) registrations of the organization’s devices, as the registrar stored them; filter by device',
        params: orgParams,
        querystring: registrationListQuery,
      },
    },
    async (request) => {
      const { orgId } = request.params;
      await authorize(ctx.store, requirePrincipal(request), orgId, 'registrations:read');
      const now = ctx.clock.now();
      const rows = await ctx.store.registrations.listForOrg(orgId, { deviceId: request.query.deviceId, now: new Date(now) });
      const devices = await ctx.store.devices.getMany(orgId, [...new Set(rows.map((r) => r.deviceId))]);
      const owner = new Map(devices.map((d) => [d.id, d.user_id]));
      return { items: rows.map((r) => presentRegistration(r, owner.get(r.deviceId) ?? null, now)) };
    },
  );
}
