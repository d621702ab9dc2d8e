import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestApi, type TestOrg } from '../test-app.ts';

const groupsUrl = (org: TestOrg) => `/api/v1/organizations/${org.orgId}/groups`;

async function createGroups(org: TestOrg, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const res = await org.provider.post(groupsUrl(org), { name });
    if (res.status !== 201) throw new Error(`create group: ${JSON.stringify(res.body)}`);
    ids.push(res.body.id);
  }
  return ids;
}

async function order(org: TestOrg): Promise<string[]> {
  const res = await org.provider.get(`${groupsUrl(org)}?sort=priority`);
  return res.body.items.map((g: { name: string; priority: number }) => `${g.priority}:${g.name}`);
}

describe('groups API', () => {
  const api = useTestApi();

  it('creates, reads, lists, changes and deletes a group', async () => {
    const org = await createTestOrg(api());
    const created = await org.provider.post(groupsUrl(org), { name: ' Sales ', description: 'Sellers', acdSupervisor: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Sales',
      description: 'Sellers',
      priority: 1,
      scheduleAdmin: false,
      acdSupervisor: true,
      federated: false,
      memberCount: 0,
      administersGroupIds: [],
    });
    expect(Object.keys(created.body).sort()).toEqual([
      'acdSupervisor',
      'administersGroupIds',
      'createdAt',
      'description',
      'federated',
      'id',
      'memberCount',
      'name',
      'priority',
      'scheduleAdmin',
      'updatedAt',
    ]);
    const id = created.body.id as string;
    expect((await org.provider.get(`${groupsUrl(org)}/${id}`)).body.name).toBe('Sales');
    const patched = await org.provider.patch(`${groupsUrl(org)}/${id}`, { name: 'Sales DK', scheduleAdmin: true, federated: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Sales DK', scheduleAdmin: true, acdSupervisor: true, federated: true });
    const list = await org.provider.get(`${groupsUrl(org)}?q=dk`);
    expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect((await org.provider.delete(`${groupsUrl(org)}/${id}`)).status).toBe(204);
    expect((await org.provider.get(`${groupsUrl(org)}/${id}`)).status).toBe(404);
    expect((await org.provider.delete(`${groupsUrl(org)}/${id}`)).status).toBe(404);
  });

  it('refuses a second group with the same name, ignoring case, with 409 naming name', async () => {
    const org = await createTestOrg(api());
    const [, support] = await createGroups(org, ['Sales', 'Support']);
    const dup = await org.provider.post(groupsUrl(org), { name: 'sales' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'duplicate', field: 'name' });
    const rename = await org.provider.patch(`${groupsUrl(org)}/${support}`, { name: 'SALES', description: 'half-written?' });
    expect(rename.status).toBe(409);
    expect(rename.body.error).toMatchObject({ code: 'duplicate', field: 'name' });
    expect((await org.provider.get(`${groupsUrl(org)}/${support}`)).body).toMatchObject({ name: 'Support', description: '' });
    expect((await org.provider.patch(`${groupsUrl(org)}/${support}`, { name: 'Support' })).status).toBe(200);
    expect((await org.provider.get(groupsUrl(org))).body.total).toBe(2);
  });

  it('lets two organizations use the same group name', async () => {
    const a = await createTestOrg(api());
    const b = await createTestOrg(api());
    await createGroups(a, ['Sales']);
    expect((await b.provider.post(groupsUrl(b), { name: 'Sales' })).status).toBe(201);
  });

  it('keeps priorities 1..n when a group is inserted at a priority, moved or deleted', async () => {
    const org = await createTestOrg(api());
    const [a, , c] = await createGroups(org, ['A', 'B', 'C']);
    expect(await order(org)).toEqual(['1:A', '2:B', '3:C']);
    expect((await org.provider.post(groupsUrl(org), { name: 'Top', priority: 1 })).body.priority).toBe(1);
    expect(await order(org)).toEqual(['1:Top', '2:A', '3:B', '4:C']);
    expect((await org.provider.patch(`${groupsUrl(org)}/${c}`, { priority: 2 })).body.priority).toBe(2);
    expect(await order(org)).toEqual(['1:Top', '2:C', '3:A', '4:B']);
    expect((await org.provider.post(groupsUrl(org), { name: 'Last', priority: 999 })).body.priority).toBe(5);
    expect((await org.provider.delete(`${groupsUrl(org)}/${a}`)).status).toBe(204);
    expect(await order(org)).toEqual(['1:Top', '2:C', '3:B', '4:Last']);
  });

  it('sets the whole priority order, priority 1 first', async () => {
    const org = await createTestOrg(api());
    const [a, b, c] = await createGroups(org, ['A', 'B', 'C']);
    const res = await org.provider.put(`${groupsUrl(org)}/order`, { groupIds: [c, a, b] });
    expect(res.status).toBe(200);
    expect(res.body.items.map((g: { id: string; priority: number }) => [g.id, g.priority])).toEqual([
      [c, 1],
      [a, 2],
      [b, 3],
    ]);
    expect(await order(org)).toEqual(['1:C', '2:A', '3:B']);
  });

  it('refuses an order that misses, repeats, or adds a group, naming groupIds.N, and changes nothing', async () => {
    const org = await createTestOrg(api());
    const other = await createTestOrg(api());
    const [a, b, c] = await createGroups(org, ['A', 'B', 'C']);
    const [foreign] = await createGroups(other, ['Foreign']);
    const url = `${groupsUrl(org)}/order`;
    const cases: [(string | undefined)[], string][] = [
      [[c, a], 'groupIds.2'],
      [[c, a, a], 'groupIds.2'],
      [[c, foreign, a, b], 'groupIds.1'],
      [[c, a, b, '00000000-0000-4000-8000-000000000000'], 'groupIds.3'],
      [['not-a-uuid', a, b], 'groupIds.0'],
      [[], 'groupIds.0'],
    ];
    for (const [groupIds, field] of cases) {
      const res = await org.provider.put(url, { groupIds });
      expect(res.status, JSON.stringify(groupIds)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', field });
    }
    const missing = await org.provider.put(url, { groupIds: [c, a] });
    expect(missing.body.error.message).toContain(b);
    expect((await org.provider.put(url, {})).body.error).toMatchObject({ code: 'validation_failed', field: 'groupIds' });
    expect((await org.provider.put(url, { groupIds: [a, b, c], extra: 1 })).body.error).toMatchObject({ code: 'unknown_field', field: 'extra' });
    expect(await order(org)).toEqual(['1:A', '2:B', '3:C']);
  });

  it('adds, lists and removes members, all or nothing', async () => {
    const org = await createTestOrg(api());
    const [g] = await createGroups(org, ['Team']);
    const u1 = await createTestUser(api(), org, { firstName: 'Anna', lastName: 'Alpha' });
    const u2 = await createTestUser(api(), org, { firstName: 'Bo', lastName: 'Beta' });
    const other = await createTestOrg(api());
    const stranger = await createTestUser(api(), other);
    const url = `${groupsUrl(org)}/${g}/members`;
    const bad = await org.provider.post(url, { userIds: [u1.id, stranger.id] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'userIds.1' });
    expect((await org.provider.get(url)).body.total).toBe(0);
    const added = await org.provider.post(url, { userIds: [u1.id, u2.id, u1.id] });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ groupId: g, affected: 2, memberCount: 2 });
    expect((await org.provider.post(url, { userIds: [u1.id] })).body.affected).toBe(0);
    const members = await org.provider.get(`${url}?sort=first_name&limit=1`);
    expect(members.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(members.body.items[0]).toMatchObject({ id: u1.id, firstName: 'Anna', groupIds: [g] });
    expect(members.body.items[0]).not.toHaveProperty('password_hash');
    expect((await org.provider.get(`${groupsUrl(org)}/${g}`)).body.memberCount).toBe(2);
    const del = await api().app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${api().providerToken}` }, payload: { userIds: [u2.id] } });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ groupId: g, affected: 1, memberCount: 1 });
    const removed = await org.provider.post(`${url}/remove`, { userIds: [u1.id] });
    expect(removed.body).toEqual({ groupId: g, affected: 1, memberCount: 0 });
    expect((await org.provider.post(url, { userIds: [] })).body.error).toMatchObject({ code: 'validation_failed', field: 'userIds' });
    expect((await org.provider.post(url, { userIds: ['x'] })).body.error).toMatchObject({ code: 'validation_failed', field: 'userIds.0' });
    expect((await org.provider.delete(url)).status).toBe(400);
  });

  it('sets the groups an admin group administers (organization admins only)', async () => {
    const org = await createTestOrg(api());
    const [admins, sales, support] = await createGroups(org, ['Admins', 'Sales', 'Support']);
    const url = `${groupsUrl(org)}/${admins}/administers`;
    const res = await org.provider.put(url, { groupIds: [support, sales, sales] });
    expect(res.status).toBe(200);
    expect(res.body.administersGroupIds).toEqual([sales, support].sort());
    const bad = await org.provider.put(url, { groupIds: [sales, '00000000-0000-4000-8000-000000000000'] });
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'groupIds.1' });
    expect((await org.provider.get(`${groupsUrl(org)}/${admins}`)).body.administersGroupIds).toEqual([sales, support].sort());
    expect((await org.provider.put(url, { groupIds: [] })).body.administersGroupIds).toEqual([]);
  });

  it('rejects bad input naming the field, without writing', async () => {
    const org = await createTestOrg(api());
    const url = groupsUrl(org);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: 'X', colour: 'red' }, 'unknown_field', 'colour'],
      [{}, 'validation_failed', 'name'],
      [{ name: '   ' }, 'validation_failed', 'name'],
      [{ name: 'x'.repeat(101) }, 'validation_failed', 'name'],
      [{ name: 'X', priority: 0 }, 'validation_failed', 'priority'],
      [{ name: 'X', priority: 1.5 }, 'validation_failed', 'priority'],
      [{ name: 'X', federated: 'yes' }, 'validation_failed', 'federated'],
      [{ name: 'X', description: 'd'.repeat(501) }, 'validation_failed', 'description'],
    ];
    for (const [body, code, field] of cases) {
      const res = await org.provider.post(url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code, field });
    }
    const json = await api().app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(json.json().error).toMatchObject({ code: 'invalid_json' });
    expect((await org.provider.get(`${url}/not-a-uuid`)).body.error).toMatchObject({ code: 'validation_failed', field: 'id' });
    expect((await org.provider.get(`${url}?limit=0`)).body.error).toMatchObject({ code: 'validation_failed', field: 'limit' });
    expect((await org.provider.get(url)).body.total).toBe(0);
  });

  it('audits group changes with the actor', async () => {
    const org = await createTestOrg(api());
    const [g] = await createGroups(org, ['Audited']);
    await org.provider.patch(`${groupsUrl(org)}/${g}`, { description: 'now described' });
    const log = await org.provider.get(`/api/v1/organizations/${org.orgId}/audit-log?resourceType=group&resourceId=${g}`);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['group.update', 'group.create']);
    expect(log.body.items[0]).toMatchObject({ actor: { kind: 'provider' }, before: { description: '' }, after: { description: 'now described' } });
  });

  it('forgets a deleted group in settings that list groups', async () => {
    const org = await createTestOrg(api());
    const [keep, doomed] = await createGroups(org, ['Keep', 'Doomed']);
    const setting = `/api/v1/organizations/${org.orgId}/settings/pickup.groups`;
    expect((await org.provider.put(setting, { value: [keep, doomed] })).status).toBe(200);
    await org.provider.delete(`${groupsUrl(org)}/${doomed}`);
    expect((await org.provider.get(setting)).body.value).toEqual([keep]);
  });
});

describe('groups API access', () => {
  const api = useTestApi();

  async function groupAdminSetup(t: TestApi) {
    const org = await createTestOrg(t);
    const [admins, managed, managed2, other] = await createGroups(org, ['Admins', 'Managed', 'Managed 2', 'Other']);
    await org.provider.put(`${groupsUrl(org)}/${admins}/administers`, { groupIds: [managed, managed2] });
    const ga = await createTestUser(t, org, { role: 'group_admin', groupIds: [admins] });
    return { org, ga, admins: admins!, managed: managed!, managed2: managed2!, other: other! };
  }

  it('lets a group admin read only the groups it administers', async () => {
    const { org, ga, managed, managed2, other } = await groupAdminSetup(api());
    const list = await ga.as.get(groupsUrl(org));
    expect(list.status).toBe(200);
    expect(list.body.items.map((g: { id: string }) => g.id).sort()).toEqual([managed, managed2].sort());
    expect((await ga.as.get(`${groupsUrl(org)}/${managed}`)).status).toBe(200);
    expect((await ga.as.get(`${groupsUrl(org)}/${other}`)).status).toBe(404);
    expect((await ga.as.get(`${groupsUrl(org)}/${other}/members`)).status).toBe(404);
  });

  it('lets a group admin change the members of an administered group with users in its scope', async () => {
    const { org, ga, managed, managed2, other } = await groupAdminSetup(api());
    const inScope = await createTestUser(api(), org, { groupIds: [managed2] });
    const outOfScope = await createTestUser(api(), org, { groupIds: [other] });
    const url = `${groupsUrl(org)}/${managed}/members`;
    const ok = await ga.as.post(url, { userIds: [inScope.id] });
    expect(ok.status).toBe(200);
    expect(ok.body.affected).toBe(1);
    const refused = await ga.as.post(url, { userIds: [outOfScope.id] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', field: 'userIds.0' });
    expect((await ga.as.post(`${groupsUrl(org)}/${other}/members`, { userIds: [inScope.id] })).status).toBe(404);
    expect((await ga.as.post(`${url}/remove`, { userIds: [inScope.id] })).body.affected).toBe(1);
    const members = await org.provider.get(`${groupsUrl(org)}/${other}/members`);
    expect(members.body.items.map((u: { id: string }) => u.id)).toEqual([outOfScope.id]);
  });

  it("does not let a group admin change administrators' memberships", async () => {
    const { org, ga, managed } = await groupAdminSetup(api());
    const admin = await createTestUser(api(), org, { role: 'org_admin', groupIds: [managed] });
    const res = await ga.as.post(`${groupsUrl(org)}/${managed}/members`, { userIds: [ga.id] });
    expect(res.status).toBe(400);
    const res2 = await ga.as.post(`${groupsUrl(org)}/${managed}/members/remove`, { userIds: [admin.id] });
    expect(res2.status).toBe(403);
  });

  it('keeps creating, changing, ordering, deleting groups and administers for organization admins', async () => {
    const { org, ga, admins, managed, managed2, other } = await groupAdminSetup(api());
    expect((await ga.as.post(groupsUrl(org), { name: 'Mine' })).status).toBe(403);
    expect((await ga.as.patch(`${groupsUrl(org)}/${managed}`, { name: 'Renamed' })).status).toBe(403);
    expect((await ga.as.delete(`${groupsUrl(org)}/${managed}`)).status).toBe(403);
    expect((await ga.as.put(`${groupsUrl(org)}/order`, { groupIds: [managed, admins, managed2, other] })).status).toBe(403);
    expect((await ga.as.put(`${groupsUrl(org)}/${admins}/administers`, { groupIds: [other] })).status).toBe(403);
    const orgAdmin = await createTestUser(api(), org, { role: 'org_admin' });
    expect((await orgAdmin.as.post(groupsUrl(org), { name: 'By org admin' })).status).toBe(201);
    expect((await org.provider.get(`${groupsUrl(org)}/${managed}`)).body.name).toBe('Managed');
  });

  it('answers 403 to a plain user and 404 to another organization', async () => {
    const org = await createTestOrg(api());
    const [g] = await createGroups(org, ['G']);
    const user = await createTestUser(api(), org);
    expect((await user.as.get(groupsUrl(org))).status).toBe(403);
    expect((await user.as.get(`${groupsUrl(org)}/${g}`)).status).toBe(403);
    const other = await createTestOrg(api());
    const outsider = await createTestUser(api(), other, { role: 'org_admin' });
    expect((await outsider.as.get(groupsUrl(org))).status).toBe(404);
    expect((await outsider.as.get(`${groupsUrl(other)}/${g}`)).status).toBe(404);
    expect((await outsider.as.post(`${groupsUrl(other)}/${g}/members`, { userIds: [outsider.id] })).status).toBe(404);
    expect((await outsider.as.delete(`${groupsUrl(other)}/${g}`)).status).toBe(404);
  });
});
