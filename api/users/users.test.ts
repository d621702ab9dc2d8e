import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi } from '../test-app.ts';

describe('users API', () => {
  const api = useTestApi();

  it('creates a user with a primary landline and a secondary mobile line from the ranges', async () => {
    const org = await createTestOrg(api());
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: 'Søren.Ærø@Example.dk',
      firstName: 'Søren',
      lastName: 'Ærø',
      lines: [
        { slot: 'primary', number: '201', lineType: 'office_fixed' },
        { slot: 'secondary', number: '202', lineType: 'office_mobile' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.username).toBe('søren.ærø@example.dk');
    expect(res.body.language).toBe('da');
    expect(res.body.lines).toEqual([
      { slot: 'primary', number: '201', lineType: 'office_fixed', aliasExtension: null },
      { slot: 'secondary', number: '202', lineType: 'office_mobile', aliasExtension: null },
    ]);
    expect(res.body).not.toHaveProperty('password_hash');
  });

  it('refuses a number outside the organization ranges and names the field', async () => {
    const org = await createTestOrg(api());
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: 'a-outside@example.test',
      firstName: 'A',
      lastName: 'B',
      lines: [{ slot: 'primary', number: '999', lineType: 'office_fixed' }],
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'number_not_in_range', field: 'lines.0.number' });
    const list = await org.provider.get(`/api/v1/organizations/${org.orgId}/users?q=a-outside`);
    expect(list.body.total).toBe(0);
  });

  it('refuses a duplicate extension and keeps nothing of the second user', async () => {
    const org = await createTestOrg(api());
    await createTestUser(api(), org, { lines: [{ slot: 'primary', number: '210', lineType: 'office_fixed' }] });
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: 'dup-ext@example.test',
      firstName: 'Dup',
      lastName: 'Ext',
      lines: [{ slot: 'primary', number: '210', lineType: 'office_fixed' }],
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'number_in_use', field: 'lines.0.number' });
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/users?q=dup-ext`)).body.total).toBe(0);
  });

  it('puts the landline first when a user has a landline and a mobile', async () => {
    const org = await createTestOrg(api());
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: 'mob-first@example.test',
      firstName: 'M',
      lastName: 'F',
      lines: [
        { slot: 'primary', number: '220', lineType: 'office_mobile' },
        { slot: 'secondary', number: '221', lineType: 'office_fixed' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('lines.0.slot');
  });

  it('allows an alias extension only on a full public number', async () => {
    const org = await createTestOrg(api());
    const ranges = await org.provider.get(`/api/v1/organizations/${org.orgId}/number-ranges?sort=kind`);
    const pub = ranges.body.items.find((r: { kind: string }) => r.kind === 'public');
    const ok = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: `alias-${org.orgId}@example.test`,
      firstName: 'A',
      lastName: 'L',
      lines: [{ slot: 'primary', number: pub.start, lineType: 'office_fixed', aliasExtension: '230' }],
    });
    expect(ok.status).toBe(201);
    const bad = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: `alias2-${org.orgId}@example.test`,
      firstName: 'A',
      lastName: 'L',
      lines: [{ slot: 'primary', number: '231', lineType: 'office_fixed', aliasExtension: '232' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('lines.0.aliasExtension');
    const used = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: `alias3-${org.orgId}@example.test`,
      firstName: 'A',
      lastName: 'L',
      lines: [{ slot: 'primary', number: '230', lineType: 'office_fixed' }],
    });
    expect(used.body.error).toMatchObject({ code: 'number_in_use', field: 'lines.0.number' });
  });

  it('frees the numbers of a deleted user', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { lines: [{ slot: 'primary', number: '240', lineType: 'office_fixed' }] });
    const before = await org.provider.get(`/api/v1/organizations/${org.orgId}/available-numbers?kind=internal&limit=100`);
    expect(before.body.items).not.toContain('240');
    expect((await org.provider.delete(`/api/v1/organizations/${org.orgId}/users/${u.id}`)).status).toBe(204);
    const after = await org.provider.get(`/api/v1/organizations/${org.orgId}/available-numbers?kind=internal&limit=100`);
    expect(after.body.items).toContain('240');
    expect(after.body.total).toBe(before.body.total + 1);
  });

  it('searches every field including line numbers and directory fields', async () => {
    const org = await createTestOrg(api());
    await createTestUser(api(), org, {
      firstName: 'Kirsten',
      lastName: 'Holm',
      directoryFields: ['Volvo', '', '', '', '', ''],
      lines: [{ slot: 'primary', number: '250', lineType: 'office_fixed' }],
    });
    await createTestUser(api(), org, { firstName: 'Bo', lastName: 'Ek' });
    const url = `/api/v1/organizations/${org.orgId}/users`;
    expect((await org.provider.get(`${url}?q=volvo`)).body.total).toBe(1);
    expect((await org.provider.get(`${url}?q=250`)).body.total).toBe(1);
    expect((await org.provider.get(`${url}?q=kirsten holm`)).body.total).toBe(1);
    expect((await org.provider.get(`${url}?q=100%25`)).body.total).toBe(0);
    const sorted = await org.provider.get(`${url}?sort=first_name&order=desc&limit=1`);
    expect(sorted.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(sorted.body.items[0].firstName).toBe('Kirsten');
  });

  it('creates a user based on another: non-personal settings copied, personal ones not', async () => {
    const org = await createTestOrg(api());
    const group = await org.provider.post(`/api/v1/organizations/${org.orgId}/groups`, { name: 'Sales' });
    const src = await createTestUser(api(), org, {
      language: 'sv',
      license: 'contact_center',
      allowedApps: ['web_softphone', 'ipad'],
      callerId: '+4570000000',
      directoryFields: ['Volvo', 'Danish', 'x', 'Team A', '', ''],
      lines: [{ slot: 'primary', number: '260', lineType: 'office_fixed' }],
      ...(group.status === 201 && { groupIds: [group.body.id] }),
    });
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users/${src.id}/copy`, {
      username: 'copy@example.test',
      firstName: 'New',
      lastName: 'Person',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      language: 'sv',
      license: 'contact_center',
      allowedApps: ['web_softphone', 'ipad'],
      callerId: null,
      lines: [],
      firstName: 'New',
    });
    expect(res.body.directoryFields).toEqual(['', '', '', 'Team A', '', '']);
    expect(res.body.groupIds).toEqual(src.body.groupIds);
  });

  it('rejects unknown fields, wrong types and over-long strings naming the field', async () => {
    const org = await createTestOrg(api());
    const url = `/api/v1/organizations/${org.orgId}/users`;
    const unknown = await org.provider.post(url, { username: 'x@example.test', firstName: 'a', lastName: 'b', shoeSize: 44 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_field', field: 'shoeSize' });
    const wrongType = await org.provider.post(url, { username: 'x@example.test', firstName: 42, lastName: 'b' });
    expect(wrongType.body.error).toMatchObject({ code: 'validation_failed', field: 'firstName' });
    const long = await org.provider.post(url, { username: 'x@example.test', firstName: 'a'.repeat(101), lastName: 'b' });
    expect(long.body.error).toMatchObject({ code: 'validation_failed', field: 'firstName' });
    const badEmail = await org.provider.post(url, { username: 'not-an-email', firstName: 'a', lastName: 'b' });
    expect(badEmail.body.error).toMatchObject({ code: 'validation_failed', field: 'username' });
  });

  it('answers malformed JSON with invalid_json', async () => {
    const { app } = api();
    const org = await createTestOrg(api());
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/organizations/${org.orgId}/users`,
      headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_json', field: 'body' });
  });

  it('refuses a duplicate username with 409 naming username', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, { username: u.username, firstName: 'a', lastName: 'b' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'duplicate', field: 'username' });
  });
});

describe('deleting a user', () => {
  const api = useTestApi();

  it('removes their user-level settings and contacts and keeps their desk phone unassigned', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const base = `/api/v1/organizations/${org.orgId}`;
    expect((await org.provider.put(`${base}/users/${u.id}/settings/music_on_hold.class`, { value: 'fpm-sunshine' })).status).toBe(200);
    const contact = await org.provider.post(`${base}/users/${u.id}/contacts`, { firstName: 'Ext', numbers: [{ number: '+4512345678', type: 'work' }] });
    expect(contact.status).toBe(201);
    const phone = await org.provider.post(`${base}/devices`, { kind: 'desk_phone', mac: '00:04:13:aa:bb:01', model: 'Snom D785', userId: u.id });
    expect(phone.status).toBe(201);
    expect((await org.provider.delete(`${base}/users/${u.id}`)).status).toBe(204);
    const store = api().store;
    expect(await store.settings.get(org.orgId, 'user', u.id)).toEqual([]);
    expect(await store.contacts.get(org.orgId, contact.body.id)).toBeUndefined();
    const after = await org.provider.get(`${base}/devices/${phone.body.id}`);
    expect(after.body.userId).toBeNull();
  });
});

describe('bulk actions on users', () => {
  const api = useTestApi();

  it('adds to and removes from groups, records welcome messages and deletes, all or nothing', async () => {
    const org = await createTestOrg(api());
    const base = `/api/v1/organizations/${org.orgId}`;
    const g = (await org.provider.post(`${base}/groups`, { name: 'Bulk' })).body;
    const u1 = await createTestUser(api(), org);
    const u2 = await createTestUser(api(), org);
    const ids = [u1.id, u2.id];
    expect((await org.provider.post(`${base}/users/bulk`, { action: 'add_to_groups', userIds: ids, groupIds: [g.id] })).body.affected).toBe(2);
    expect((await org.provider.get(`${base}/users?groupId=${g.id}`)).body.total).toBe(2);
    expect((await org.provider.post(`${base}/users/bulk`, { action: 'remove_from_groups', userIds: [u1.id], groupIds: [g.id] })).body.affected).toBe(1);
    expect((await org.provider.get(`${base}/users?groupId=${g.id}`)).body.total).toBe(1);

    const welcome = await org.provider.post(`${base}/users/bulk`, { action: 'send_welcome', userIds: ids, channel: 'sms' });
    expect(welcome.body.affected).toBe(2);
    expect((await org.provider.get(`${base}/users/${u1.id}`)).body.status.welcomeSentAt).toBe(new Date(api().clock.now()).toISOString());

    // One unknown id: nothing is deleted.
    const bad = await org.provider.post(`${base}/users/bulk`, { action: 'delete', userIds: [u1.id, '00000000-0000-4000-8000-000000000000'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('userIds.1');
    expect((await org.provider.get(`${base}/users/${u1.id}`)).status).toBe(200);
    expect((await org.provider.post(`${base}/users/bulk`, { action: 'delete', userIds: ids })).body.affected).toBe(2);
    expect((await org.provider.get(`${base}/users`)).body.total).toBe(0);
  });
});
