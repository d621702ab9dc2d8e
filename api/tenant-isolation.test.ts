import { describe, expect, it } from 'vitest';
import { caller, createTestOrg, createTestUser, useTestApi, type Caller, type TestApi } from './test-app.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface OrgFixture {
  orgId: string;
  ids: Record<string, string>;
  admin: Caller;
  groupAdmin: Caller;
  user: Caller;
}

/** An organization with one record of every resource type, and an org admin, a group admin and a user. */
async function populatedOrg(api: TestApi): Promise<OrgFixture> {
  const org = await createTestOrg(api);
  const base = `/api/v1/organizations/${org.orgId}`;
  const p = org.provider;
  const ok = <T>(r: { status: number; body: T }, what: string): T => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const group = ok(await p.post(`${base}/groups`, { name: 'Team' }), 'group') as { id: string };
  const adminGroup = ok(await p.post(`${base}/groups`, { name: 'Admins' }), 'admin group') as { id: string };
  ok(await p.put(`${base}/groups/${adminGroup.id}/administers`, { groupIds: [group.id] }), 'administers');
  const admin = await createTestUser(api, org, { role: 'org_admin' });
  const groupAdmin = await createTestUser(api, org, { role: 'group_admin', groupIds: [adminGroup.id] });
  const user = await createTestUser(api, org, { groupIds: [group.id], lines: [{ slot: 'primary', number: '201', lineType: 'office_fixed' }] });
  const site = ok(await p.post(`${base}/sites`, { name: 'HQ' }), 'site') as { id: string };
  const ranges = ok(await p.get(`${base}/number-ranges`), 'ranges') as { items: { id: string }[] };
  const device = ok(await p.post(`${base}/devices`, { kind: 'softphone', userId: user.id, enabled: true }), 'device') as { id: string };
  const trunk = ok(await p.post(`${base}/trunks`, { name: 'Carrier', outboundHost: 'sip.carrier.test' }), 'trunk') as { id: string };
  const contact = ok(await p.post(`${base}/contacts`, { firstName: 'Ext', numbers: [{ number: '+4512345678', type: 'work' }] }), 'contact') as { id: string };
  ok(await p.post(`${base}/groups/${group.id}/contacts`, { firstName: 'G', numbers: [{ number: '+4512345679', type: 'work' }] }), 'group contact');
  ok(await p.post(`${base}/users/${user.id}/contacts`, { firstName: 'U', numbers: [{ number: '+4512345670', type: 'work' }] }), 'user contact');
  for (const target of ['', `/groups/${group.id}`, `/users/${user.id}`]) {
    ok(await p.put(`${base}${target}/settings/music_on_hold.class`, { value: 'fpm-sunshine' }), `setting ${target}`);
  }
  for (const target of ['organization', `groups/${group.id}`, `users/${user.id}`]) {
    ok(await p.put(`${base}/number-conversion/${target}`, { rules: [{ prefix: '1', digits: 3, rewrite: '+451' }] }), `number conversion ${target}`);
  }
  const moderation = await api.store.directory.request(org.orgId, user.id, 1, '', 'Volvo');
  const imp = await api.store.contacts.saveImport(
    org.orgId,
    { level: 'organization', id: org.orgId },
    { filename: 'c.txt', delimiter: ';', rows: [['a', 'b']], createdBy: 'test' },
  );
  return {
    orgId: org.orgId,
    ids: {
      sites: site.id,
      'number-ranges': ranges.items[0]!.id,
      users: user.id,
      groups: group.id,
      devices: device.id,
      trunks: trunk.id,
      contacts: contact.id,
      'directory-moderation': moderation.id,
      userId: user.id,
      groupId: group.id,
      importId: imp.id,
    },
    admin: admin.as,
    groupAdmin: groupAdmin.as,
    user: user.as,
  };
}

/** Bodies that pass validation, so the answer shows the tenant check and not the schema. */
const BODIES: Record<string, unknown> = {
  'post /api/v1/organizations/{orgId}/users/{id}/copy': { username: 'copy-x@example.test', firstName: 'C', lastName: 'X' },
  'put /api/v1/organizations/{orgId}/groups/{id}/administers': { groupIds: [] },
  'post /api/v1/organizations/{orgId}/groups/{id}/members': { userIds: ['00000000-0000-4000-8000-000000000000'] },
  'delete /api/v1/organizations/{orgId}/groups/{id}/members': { userIds: ['00000000-0000-4000-8000-000000000000'] },
  'post /api/v1/organizations/{orgId}/groups/{id}/members/remove': { userIds: ['00000000-0000-4000-8000-000000000000'] },
  'put /api/v1/organizations/{orgId}/groups/{groupId}/settings/{key}': { value: 'fpm-worldmix' },
  'put /api/v1/organizations/{orgId}/users/{userId}/settings/{key}': { value: 'fpm-worldmix' },
  'post /api/v1/organizations/{orgId}/groups/{groupId}/contacts': { firstName: 'X', numbers: [{ number: '+4511111111', type: 'work' }] },
  'post /api/v1/organizations/{orgId}/users/{userId}/contacts': { firstName: 'X', numbers: [{ number: '+4511111111', type: 'work' }] },
  'post /api/v1/organizations/{orgId}/contacts/imports/{importId}/commit': { mapping: { firstName: 0 }, skipHeader: false },
  'post /api/v1/organizations/{orgId}/groups/{groupId}/contacts/imports/{importId}/commit': { mapping: { firstName: 0 }, skipHeader: false },
  'post /api/v1/organizations/{orgId}/users/{userId}/contacts/imports/{importId}/commit': { mapping: { firstName: 0 }, skipHeader: false },
  'post /api/v1/organizations/{orgId}/directory-moderation/{id}/approve': {},
  'post /api/v1/organizations/{orgId}/directory-moderation/{id}/reject': {},
  'put /api/v1/organizations/{orgId}/number-conversion/organization': { rules: [] },
  'put /api/v1/organizations/{orgId}/number-conversion/groups/{groupId}': { rules: [] },
  'put /api/v1/organizations/{orgId}/number-conversion/users/{userId}': { rules: [] },
};

function fill(path: string, orgId: string, ids: Record<string, string>): string {
  return path
    .replace('{orgId}', orgId)
    .replace(/\/([a-z-]+)\/\{id\}/, (_m, resource: string) => `/${resource}/${ids[resource] ?? 'missing-fixture'}`)
    .replace(/\{(userId|groupId|importId)\}/g, (_m, name: string) => ids[name]!)
    .replace('{key}', 'music_on_hold.class');
}

async function routes(api: TestApi): Promise<{ method: Method; path: string }[]> {
  const doc = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
  return Object.entries(doc.paths)
    .filter(([path]) => path.includes('{orgId}'))
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method as Method, path })));
}

function send(c: Caller, method: Method, url: string, body: unknown) {
  if (method === 'get') return c.get(url);
  if (method === 'delete') return body === undefined ? c.delete(url) : sendDeleteWithBody(c, url, body);
  return c[method](url, (body ?? {}) as Record<string, unknown>);
}

async function sendDeleteWithBody(c: Caller, url: string, body: unknown) {
  return c.post(url.replace(/\/members$/, '/members/remove'), body as Record<string, unknown>);
}

describe('tenant isolation', () => {
  const api = useTestApi();

  /** Calls every route as B's three principals; returns the answers outside `allowed`. */
  async function probe(
    list: { method: Method; path: string }[],
    orgId: string,
    ids: Record<string, string>,
    b: OrgFixture,
    allowed: (role: string) => number[],
  ) {
    const failures: string[] = [];
    for (const { method, path } of list) {
      const url = fill(path, orgId, ids);
      for (const [role, who] of [
        ['org admin', b.admin],
        ['group admin', b.groupAdmin],
        ['user', b.user],
      ] as const) {
        const res = await send(who, method, url, BODIES[`${method} ${path}`]);
        if (!allowed(role).includes(res.status))
          failures.push(`${role} ${method.toUpperCase()} ${path} → ${res.status} ${JSON.stringify(res.body?.error ?? res.body).slice(0, 120)}`);
      }
    }
    return failures;
  }

  /** How many audited changes organization A has: any write that got through would add one. */
  async function changesOf(orgId: string): Promise<number> {
    return (await caller(api().app, api().providerToken).get(`/api/v1/organizations/${orgId}/audit-log?limit=1`)).body.total as number;
  }

  it('answers 404 to every route of another organization, for its org admin, group admin and user', async () => {
    const a = await populatedOrg(api());
    const b = await populatedOrg(api());
    const all = await routes(api());
    expect(all.length).toBeGreaterThan(50);
    const before = await changesOf(a.orgId);
    expect(await probe(all, a.orgId, a.ids, b, () => [404])).toEqual([]);
    expect(await changesOf(a.orgId)).toBe(before);
    const check = caller(api().app, api().providerToken);
    expect((await check.get(`/api/v1/organizations/${a.orgId}/users/${a.ids.users}`)).status).toBe(200);
  });

  it('answers 404 when another organization’s record ids are used under one’s own organization', async () => {
    const a = await populatedOrg(api());
    const b = await populatedOrg(api());
    const all = (await routes(api())).filter(({ path }) => /\{(id|userId|groupId|importId)\}/.test(path));
    const before = await changesOf(a.orgId);
    // B's organization, A's record ids. A group admin or user lacking a capability in its own
    // organization gets 403 whatever the id is, so that answer says nothing about A.
    expect(await probe(all, b.orgId, a.ids, b, (role) => (role === 'org admin' ? [404] : [403, 404]))).toEqual([]);
    expect(await changesOf(a.orgId)).toBe(before);
    const check = caller(api().app, api().providerToken);
    expect((await check.get(`/api/v1/organizations/${a.orgId}/contacts/${a.ids.contacts}`)).status).toBe(200);
    expect((await check.get(`/api/v1/organizations/${a.orgId}/devices/${a.ids.devices}`)).status).toBe(200);
  });

  it('keeps a group admin to the groups its admin group is given', async () => {
    const a = await populatedOrg(api());
    const base = `/api/v1/organizations/${a.orgId}`;
    const provider = caller(api().app, api().providerToken);
    const other = await provider.post(`${base}/groups`, { name: 'Not given' });
    const outsider = await createTestUser(api(), { orgId: a.orgId, provider }, { groupIds: [other.body.id] });
    // In scope: the user in "Team".
    expect((await a.groupAdmin.get(`${base}/users/${a.ids.users}`)).status).toBe(200);
    expect((await a.groupAdmin.patch(`${base}/users/${a.ids.users}`, { firstName: 'Renamed' })).status).toBe(200);
    // Not given: read, change, delete, its group, its settings, its devices.
    expect((await a.groupAdmin.get(`${base}/users/${outsider.id}`)).status).toBe(404);
    expect((await a.groupAdmin.patch(`${base}/users/${outsider.id}`, { firstName: 'X' })).status).toBe(404);
    expect((await a.groupAdmin.delete(`${base}/users/${outsider.id}`)).status).toBe(404);
    expect((await a.groupAdmin.get(`${base}/groups/${other.body.id}`)).status).toBe(404);
    expect((await a.groupAdmin.put(`${base}/users/${outsider.id}/settings/music_on_hold.class`, { value: 'fpm-all' })).status).toBe(404);
    expect((await a.groupAdmin.get(`${base}/users/${outsider.id}/devices`)).status).toBe(404);
    const list = await a.groupAdmin.get(`${base}/users?limit=500`);
    expect(list.body.items.map((u: { id: string }) => u.id)).toEqual([a.ids.users]);
    // Organization-wide things are for organization admins.
    expect((await a.groupAdmin.post(`${base}/number-ranges`, { kind: 'internal', start: '300', end: '399' })).status).toBe(403);
    expect((await a.groupAdmin.post(`${base}/groups`, { name: 'Mine' })).status).toBe(403);
    expect((await a.groupAdmin.put(`${base}/settings/music_on_hold.class`, { value: 'fpm-all' })).status).toBe(403);
    expect((await a.groupAdmin.get(`${base}/audit-log`)).status).toBe(403);
    // Cannot hand out administrator roles.
    expect((await a.groupAdmin.patch(`${base}/users/${a.ids.users}`, { role: 'org_admin' })).status).toBe(403);
    const outsiderNow = await provider.get(`${base}/users/${outsider.id}`);
    expect(outsiderNow.body.firstName).toBe('Test');
  });
});
