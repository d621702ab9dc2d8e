import { SETTINGS } from '../../core/settings/catalogue.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiContext, ZApp } from '../context.ts';
import { page, type ListQueryInput } from '../schemas/common.ts';
import { presentDefinition, presentEffective, presentStoredSetting } from './presenter.ts';
import {
  catalogueQuery,
  effectiveQuery,
  groupSettingParams,
  groupSettingsParams,
  levelListQuery,
  orgSettingParams,
  orgSettingsParams,
  settingPut,
  userSettingParams,
  userSettingsParams,
} from './schemas.ts';
import { definitionsFor, deleteSetting, effectiveSettings, listLevel, putSetting, readSetting, resolveTarget, type SettingTarget } from './service.ts';

/**
 * Settings levels (SPEC §2): the catalogue, values set on the organization, a group or a user, and
 * a user's effective settings with the level that decided each value.
 */
export function registerSettingsRoutes(app: ZApp, ctx: ApiContext): void {
  const tags = ['settings'];
  const org = '/api/v1/organizations/:orgId';

  app.get(
    '/api/v1/settings/catalogue',
    { schema: { tags, summary: 'Every setting: levels it can be set on, value type, default, whether levels are summed', querystring: catalogueQuery } },
    async (request) => {
      requirePrincipal(request);
      const { category, level } = request.query;
      const items = SETTINGS.filter((d) => (category === undefined || d.category === category) && (level === undefined || d.levels.includes(level))).map(
        presentDefinition,
      );
      return { items, total: items.length };
    },
  );

  // The same four operations on each level; only the target differs.
  const list = async (principal: Principal, orgId: string, target: SettingTarget, q: ListQueryInput) => {
    const t = await resolveTarget(ctx.store, principal, orgId, target, 'read');
    const needle = q.q?.toLowerCase();
    const rows = (await listLevel(ctx.store, t)).filter((r) => needle === undefined || r.key.toLowerCase().includes(needle));
    if (q.order === 'desc') rows.reverse();
    const items = rows.slice(q.offset, q.offset + q.limit).map((r) => presentStoredSetting(t.level, t.targetId, r));
    return { level: t.level, targetId: t.targetId, ...page(items, rows.length, q) };
  };
  const read = async (principal: Principal, orgId: string, target: SettingTarget, key: string) => {
    const t = await resolveTarget(ctx.store, principal, orgId, target, 'read');
    return presentStoredSetting(t.level, t.targetId, await readSetting(ctx.store, t, key));
  };
  const put = async (principal: Principal, orgId: string, target: SettingTarget, key: string, value: unknown) =>
    ctx.store.transaction(async (tx) => {
      const t = await resolveTarget(tx, principal, orgId, target, 'write');
      return presentStoredSetting(t.level, t.targetId, await putSetting(tx, t, key, value));
    });
  const remove = async (principal: Principal, orgId: string, target: SettingTarget, key: string) =>
    ctx.store.transaction(async (tx) => {
      const t = await resolveTarget(tx, principal, orgId, target, 'write');
      await deleteSetting(tx, t, key);
    });

  const orgTarget: SettingTarget = { level: 'organization' };
  app.get(
    `${org}/settings`,
    { schema: { tags, summary: 'Values set on the organization', params: orgSettingsParams, querystring: levelListQuery } },
    async (request) => list(requirePrincipal(request), request.params.orgId, orgTarget, request.query),
  );
  app.get(`${org}/settings/:key`, { schema: { tags, summary: 'A value set on the organization', params: orgSettingParams } }, async (request) =>
    read(requirePrincipal(request), request.params.orgId, orgTarget, request.params.key),
  );
  app.put(
    `${org}/settings/:key`,
    { schema: { tags, summary: 'Set a value on the organization (organization admins)', params: orgSettingParams, body: settingPut } },
    async (request) => put(requirePrincipal(request), request.params.orgId, orgTarget, request.params.key, request.body.value),
  );
  app.delete(
    `${org}/settings/:key`,
    { schema: { tags, summary: 'Remove a value from the organization (the default applies again)', params: orgSettingParams } },
    async (request, reply) => {
      await remove(requirePrincipal(request), request.params.orgId, orgTarget, request.params.key);
      return reply.status(204).send();
    },
  );

  const groupTarget = (p: { groupId: string }): SettingTarget => ({ level: 'group', groupId: p.groupId });
  app.get(
    `${org}/groups/:groupId/settings`,
    { schema: { tags, summary: 'Values set on a user group', params: groupSettingsParams, querystring: levelListQuery } },
    async (request) => list(requirePrincipal(request), request.params.orgId, groupTarget(request.params), request.query),
  );
  app.get(`${org}/groups/:groupId/settings/:key`, { schema: { tags, summary: 'A value set on a user group', params: groupSettingParams } }, async (request) =>
    read(requirePrincipal(request), request.params.orgId, groupTarget(request.params), request.params.key),
  );
  app.put(
    `${org}/groups/:groupId/settings/:key`,
    { schema: { tags, summary: 'Set a value on a user group', params: groupSettingParams, body: settingPut } },
    async (request) => put(requirePrincipal(request), request.params.orgId, groupTarget(request.params), request.params.key, request.body.value),
  );
  app.delete(
    `${org}/groups/:groupId/settings/:key`,
    { schema: { tags, summary: 'Remove a value from a user group', params: groupSettingParams } },
    async (request, reply) => {
      await remove(requirePrincipal(request), request.params.orgId, groupTarget(request.params), request.params.key);
      return reply.status(204).send();
    },
  );

  const userTarget = (p: { userId: string }): SettingTarget => ({ level: 'user', userId: p.userId });
  app.get(
    `${org}/users/:userId/settings`,
    { schema: { tags, summary: 'Values set on a user', params: userSettingsParams, querystring: levelListQuery } },
    async (request) => list(requirePrincipal(request), request.params.orgId, userTarget(request.params), request.query),
  );
  app.get(`${org}/users/:userId/settings/:key`, { schema: { tags, summary: 'A value set on a user', params: userSettingParams } }, async (request) =>
    read(requirePrincipal(request), request.params.orgId, userTarget(request.params), request.params.key),
  );
  app.put(
    `${org}/users/:userId/settings/:key`,
    { schema: { tags, summary: 'Set a value on a user', params: userSettingParams, body: settingPut } },
    async (request) => put(requirePrincipal(request), request.params.orgId, userTarget(request.params), request.params.key, request.body.value),
  );
  app.delete(
    `${org}/users/:userId/settings/:key`,
    { schema: { tags, summary: 'Remove a value from a user', params: userSettingParams } },
    async (request, reply) => {
      await remove(requirePrincipal(request), request.params.orgId, userTarget(request.params), request.params.key);
      return reply.status(204).send();
    },
  );

  app.get(
    `${org}/users/:userId/effective-settings`,
    {
      schema: {
        tags,
        summary: "A user's effective settings and the level that set each (user > best-priority group > organization > default; checkboxes summed)",
        params: userSettingsParams,
        querystring: effectiveQuery,
      },
    },
    async (request) => {
      const { orgId, userId } = request.params;
      const principal = requirePrincipal(request);
      const items = await effectiveSettings(ctx.store, ctx.readCache, principal, orgId, userId, definitionsFor(request.query.keys));
      return { userId, items: items.map(presentEffective) };
    },
  );
}
