import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestApi, type TestOrg } from '../test-app.ts';

const orgUrl = (org: TestOrg) => `/api/v1/organizations/${org.orgId}`;
const external = (lastName: string, extra: Record<string, unknown> = {}) => ({
  kind: 'external',
  firstName: 'Kasper',
  lastName,
  numbers: [{ number: '+45 81 80 80 88', type: 'work' }],
  ...extra,
});

async function group(api: TestApi, org: TestOrg, name: string, memberIds: string[] = []): Promise<string> {
  const g = await api.store.groups.create(org.orgId, { name });
  await api.store.groups.addMembers(org.orgId, g.id, memberIds);
  return g.id;
}

/** A group admin administering `groupIds` (through an admin group they belong to). */
async function groupAdmin(api: TestApi, org: TestOrg, groupIds: string[]) {
  const admin = await createTestUser(api, org, { role: 'group_admin' });
  const adminGroup = await group(api, org, `Admins ${admin.id}`, [admin.id]);
  await api.store.groups.setAdministeredGroups(org.orgId, adminGroup, groupIds);
  return admin;
}

describe('contacts API', () => {
  const api = useTestApi();

  it('creates, lists, reads, changes and deletes an external contact of the organization', async () => {
    const org = await createTestOrg(api());
    const url = `${orgUrl(org)}/contacts`;
    const created = await org.provider.post(url, {
      company: 'ipvision A/S',
      department: 'Operations',
      firstName: 'Kasper Leth',
      lastName: 'Jensen',
      shortName: 'Kalle',
      address: 'Skodsborgvej 305D, 2850 Nærum, Danmark',
      email: 'klj@ipvision.dk',
      speedDial: '7',
      type: 'favourite',
      numbers: [
        { number: '+45 81 80 80 88', type: 'work', shortNumber: '8088' },
        { number: '20 30 40 50', type: 'mobile' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      owner: { level: 'organization', id: org.orgId },
      kind: 'external',
      mandatory: false,
      contactUserId: null,
      firstName: 'Kasper Leth',
      type: 'favourite',
      speedDial: '7',
      numbers: [
        { number: '+4581808088', type: 'work', shortNumber: '8088' },
        { number: '20304050', type: 'mobile', shortNumber: null },
      ],
    });
    const id = created.body.id as string;
    expect((await org.provider.get(`${url}/${id}`)).body.lastName).toBe('Jensen');
    const list = await org.provider.get(`${url}?q=nærum`);
    expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect((await org.provider.get(`${url}?q=8088`)).body.total).toBe(1);
    const patched = await org.provider.patch(`${url}/${id}`, { type: 'vip', numbers: [{ number: '+4570000001', type: 'fax' }] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ type: 'vip', firstName: 'Kasper Leth', numbers: [{ number: '+4570000001', type: 'fax', shortNumber: null }] });
    expect((await org.provider.delete(`${url}/${id}`)).status).toBe(204);
    expect((await org.provider.get(`${url}/${id}`)).status).toBe(404);
    expect((await org.provider.delete(`${url}/${id}`)).status).toBe(404);
    const log = await api().store.audit.list(org.orgId, { limit: 10, offset: 0, resourceId: id });
    expect(log.items.map((e) => e.action).sort()).toEqual(['contact.create', 'contact.delete', 'contact.update']);
  });

  it('keeps group and user lists apart and answers 404 for a group or user that does not exist', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    const g = await group(api(), org, 'Sales', [user.id]);
    const groupUrl = `${orgUrl(org)}/groups/${g}/contacts`;
    const userUrl = `${orgUrl(org)}/users/${user.id}/contacts`;
    expect((await org.provider.post(groupUrl, external('Gruppe'))).body.owner).toEqual({ level: 'group', id: g });
    expect((await org.provider.post(userUrl, external('Bruger'))).body.owner).toEqual({ level: 'user', id: user.id });
    expect((await org.provider.get(groupUrl)).body.items.map((c: { lastName: string }) => c.lastName)).toEqual(['Gruppe']);
    expect((await org.provider.get(userUrl)).body.items.map((c: { lastName: string }) => c.lastName)).toEqual(['Bruger']);
    expect((await org.provider.get(`${orgUrl(org)}/contacts`)).body.total).toBe(0);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await org.provider.post(`${orgUrl(org)}/groups/${missing}/contacts`, external('X'))).status).toBe(404);
    expect((await org.provider.get(`${orgUrl(org)}/users/${missing}/contacts`)).status).toBe(404);
  });

  it('gives a user the organization’s, their groups’ and their own contacts, marking what they may remove', async () => {
    const org = await createTestOrg(api());
    const reception = await createTestUser(api(), org, {
      firstName: 'Rita',
      lastName: 'Reception',
      lines: [{ slot: 'primary', number: '200', lineType: 'office_fixed' }],
    });
    const user = await createTestUser(api(), org, { firstName: 'Ulla', lastName: 'Ulv' });
    const sales = await group(api(), org, 'Sales', [user.id]);
    const support = await group(api(), org, 'Support');
    const mandatory = await org.provider.post(`${orgUrl(org)}/contacts`, { kind: 'internal', contactUserId: reception.id, speedDial: '1' });
    expect(mandatory.status).toBe(201);
    expect(mandatory.body).toMatchObject({ kind: 'internal', mandatory: true, contactUser: { id: reception.id, firstName: 'Rita', numbers: ['200'] } });
    await org.provider.post(`${orgUrl(org)}/groups/${sales}/contacts`, external('Salg'));
    await org.provider.post(`${orgUrl(org)}/groups/${support}/contacts`, external('Support'));
    const own = await user.as.post(`${orgUrl(org)}/users/${user.id}/contacts`, external('Egen'));
    expect(own.status).toBe(201);

    const eff = await user.as.get(`${orgUrl(org)}/users/${user.id}/contacts/effective?sort=last_name`);
    expect(eff.status).toBe(200);
    expect(eff.body.total).toBe(3);
    const byName = new Map(eff.body.items.map((c: { lastName: string; kind: string }) => [c.kind === 'internal' ? 'internal' : c.lastName, c]));
    expect(byName.get('internal')).toMatchObject({
      inheritedFrom: { level: 'organization', id: org.orgId },
      removable: false,
      mandatory: true,
      contactUser: { lastName: 'Reception' },
    });
    expect((byName.get('internal') as { inheritedFrom: { name: string } }).inheritedFrom.name).toMatch(/^Org /);
    expect(byName.get('Salg')).toMatchObject({ inheritedFrom: { level: 'group', id: sales, name: 'Sales' }, removable: false });
    expect(byName.get('Egen')).toMatchObject({ inheritedFrom: { level: 'user', id: user.id, name: 'Ulla Ulv' }, removable: true });
    expect(byName.has('Support')).toBe(false);
    const paged = await user.as.get(`${orgUrl(org)}/users/${user.id}/contacts/effective?limit=1&offset=1&sort=last_name`);
    expect(paged.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(paged.body.items).toHaveLength(1);
  });

  it('lists blocked contacts, whose numbers must not reach the user', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    const url = `${orgUrl(org)}/users/${user.id}/contacts`;
    const blocked = await user.as.post(url, external('Sælger', { type: 'blocked', numbers: [{ number: '+4599887766', type: 'mobile' }] }));
    expect(blocked.status).toBe(201);
    expect(blocked.body.type).toBe('blocked');
    await user.as.post(url, external('Ven'));
    const eff = await user.as.get(`${url}/effective?type=blocked`);
    expect(eff.body.items.map((c: { lastName: string }) => c.lastName)).toEqual(['Sælger']);
    expect(await api().store.contacts.blockedNumbers(org.orgId, [{ level: 'user', id: user.id }])).toEqual(['+4599887766']);
    expect((await user.as.post(url, external('X', { type: 'spam' }))).body.error).toMatchObject({ code: 'validation_failed', field: 'type' });
  });

  it('lets a user manage their own external contacts but never mandatory or inherited ones', async () => {
    const org = await createTestOrg(api());
    const colleague = await createTestUser(api(), org);
    const user = await createTestUser(api(), org);
    const other = await createTestUser(api(), org);
    const inherited = await org.provider.post(`${orgUrl(org)}/contacts`, { kind: 'internal', contactUserId: colleague.id });
    const inheritedExternal = await org.provider.post(`${orgUrl(org)}/contacts`, external('Firma'));
    const ownMandatory = await org.provider.post(`${orgUrl(org)}/users/${user.id}/contacts`, { contactUserId: colleague.id });
    expect(ownMandatory.body).toMatchObject({ kind: 'internal', mandatory: true });
    const items = `${orgUrl(org)}/contacts`;

    // Inherited ones: readable, but not theirs to change.
    expect((await user.as.get(`${items}/${inherited.body.id}`)).status).toBe(200);
    expect((await user.as.delete(`${items}/${inherited.body.id}`)).status).toBe(403);
    expect((await user.as.patch(`${items}/${inheritedExternal.body.id}`, { lastName: 'Mine' })).status).toBe(403);
    expect((await user.as.delete(`${items}/${ownMandatory.body.id}`)).status).toBe(403);
    expect((await user.as.patch(`${items}/${ownMandatory.body.id}`, { speedDial: '5' })).status).toBe(403);
    expect((await user.as.post(`${orgUrl(org)}/users/${user.id}/contacts`, { kind: 'internal', contactUserId: colleague.id })).body.error).toMatchObject({
      code: 'forbidden',
      field: 'kind',
    });
    expect((await user.as.post(items, external('Org'))).status).toBe(403);
    expect((await user.as.get(items)).status).toBe(403);
    expect((await org.provider.get(`${items}/${inherited.body.id}`)).status).toBe(200);

    // Their own external contacts: full control.
    const own = await user.as.post(`${orgUrl(org)}/users/${user.id}/contacts`, external('Egen'));
    expect((await user.as.patch(`${items}/${own.body.id}`, { type: 'vip' })).body.type).toBe('vip');
    expect((await user.as.delete(`${items}/${own.body.id}`)).status).toBe(204);

    // Another user's list is out of reach.
    const theirs = await other.as.post(`${orgUrl(org)}/users/${other.id}/contacts`, external('Deres'));
    expect((await user.as.get(`${orgUrl(org)}/users/${other.id}/contacts`)).status).toBe(403);
    expect((await user.as.get(`${orgUrl(org)}/users/${other.id}/contacts/effective`)).status).toBe(403);
    expect((await user.as.get(`${items}/${theirs.body.id}`)).status).toBe(403);
    expect((await user.as.delete(`${items}/${theirs.body.id}`)).status).toBe(403);
    expect((await org.provider.get(`${items}/${inherited.body.id}`)).body.mandatory).toBe(true);
  });

  it('lets a group admin manage administered groups and their users, and read the organization list', async () => {
    const org = await createTestOrg(api());
    const inScopeUser = await createTestUser(api(), org);
    const outsider = await createTestUser(api(), org);
    const mine = await group(api(), org, 'Mine', [inScopeUser.id]);
    const notMine = await group(api(), org, 'Not mine', [outsider.id]);
    const admin = await groupAdmin(api(), org, [mine]);
    const orgContact = await org.provider.post(`${orgUrl(org)}/contacts`, external('Org'));

    expect((await admin.as.post(`${orgUrl(org)}/groups/${mine}/contacts`, { contactUserId: outsider.id })).status).toBe(201);
    expect((await admin.as.post(`${orgUrl(org)}/users/${inScopeUser.id}/contacts`, external('Kunde'))).status).toBe(201);
    expect((await admin.as.post(`${orgUrl(org)}/groups/${notMine}/contacts`, external('X'))).status).toBe(404);
    expect((await admin.as.get(`${orgUrl(org)}/users/${outsider.id}/contacts`)).status).toBe(404);
    expect((await admin.as.get(`${orgUrl(org)}/users/${inScopeUser.id}/contacts/effective`)).body.total).toBe(3);
    expect((await admin.as.get(`${orgUrl(org)}/contacts`)).body.total).toBe(1);
    expect((await admin.as.post(`${orgUrl(org)}/contacts`, external('Y'))).status).toBe(403);
    expect((await admin.as.delete(`${orgUrl(org)}/contacts/${orgContact.body.id}`)).status).toBe(403);
    const outside = await org.provider.post(`${orgUrl(org)}/groups/${notMine}/contacts`, external('Skjult'));
    expect((await admin.as.get(`${orgUrl(org)}/contacts/${outside.body.id}`)).status).toBe(404);
    expect((await admin.as.patch(`${orgUrl(org)}/contacts/${outside.body.id}`, { lastName: 'Z' })).status).toBe(404);
    // Outside their scope they still keep a list of their own, like any user.
    expect((await admin.as.post(`${orgUrl(org)}/users/${admin.id}/contacts`, external('Privat'))).status).toBe(201);
  });

  it('answers 404 for another organization’s contact, whatever the path', async () => {
    const a = await createTestOrg(api());
    const b = await createTestOrg(api());
    const adminA = await createTestUser(api(), a, { role: 'org_admin' });
    const theirs = await b.provider.post(`${orgUrl(b)}/contacts`, external('Hemmelig'));
    expect(theirs.status).toBe(201);
    const id = theirs.body.id as string;
    expect((await adminA.as.get(`${orgUrl(a)}/contacts/${id}`)).status).toBe(404);
    expect((await adminA.as.patch(`${orgUrl(a)}/contacts/${id}`, { lastName: 'Hacked' })).status).toBe(404);
    expect((await adminA.as.delete(`${orgUrl(a)}/contacts/${id}`)).status).toBe(404);
    expect((await adminA.as.get(`${orgUrl(b)}/contacts/${id}`)).status).toBe(404);
    expect((await adminA.as.delete(`${orgUrl(b)}/contacts/${id}`)).status).toBe(404);
    expect((await adminA.as.get(`${orgUrl(b)}/contacts`)).status).toBe(404);
    const userB = await createTestUser(api(), b);
    expect((await adminA.as.post(`${orgUrl(a)}/contacts`, { contactUserId: userB.id })).body.error).toMatchObject({
      code: 'validation_failed',
      field: 'contactUserId',
    });
    expect((await b.provider.get(`${orgUrl(b)}/contacts/${id}`)).body.lastName).toBe('Hemmelig');
  });

  it('refuses bad contacts naming the field, and saves nothing', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    const url = `${orgUrl(org)}/contacts`;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ firstName: 'A' }, 'validation_failed', 'numbers'],
      [external('A', { numbers: [] }), 'validation_failed', 'numbers'],
      [external('A', { numbers: Array.from({ length: 11 }, (_, i) => ({ number: `+457000000${i}`, type: 'work' })) }), 'validation_failed', 'numbers'],
      [
        external('A', {
          numbers: [
            { number: '+4570000000', type: 'work' },
            { number: 'call me', type: 'work' },
          ],
        }),
        'validation_failed',
        'numbers.1.number',
      ],
      [external('A', { numbers: [{ number: '+4570000000', type: 'pager' }] }), 'validation_failed', 'numbers.0.type'],
      [{ kind: 'external', numbers: [{ number: '+4570000000', type: 'work' }] }, 'validation_failed', 'firstName'],
      [external('A', { email: 'not-an-email' }), 'validation_failed', 'email'],
      [external('A', { speedDial: '12a' }), 'validation_failed', 'speedDial'],
      [external('A', { lastName: 'x'.repeat(101) }), 'validation_failed', 'lastName'],
      [external('A', { shoeSize: 44 }), 'unknown_field', 'shoeSize'],
      [{ kind: 'internal' }, 'validation_failed', 'contactUserId'],
      [{ kind: 'internal', contactUserId: user.id, numbers: [{ number: '+4570000000', type: 'work' }] }, 'validation_failed', 'numbers'],
      [{ kind: 'internal', contactUserId: '00000000-0000-4000-8000-000000000000' }, 'validation_failed', 'contactUserId'],
      [external('A', { contactUserId: user.id }), 'validation_failed', 'contactUserId'],
    ];
    for (const [body, code, field] of cases) {
      const res = await org.provider.post(url, body);
      expect({ status: res.status, ...res.body.error }).toMatchObject({ status: 400, code, field });
    }
    expect((await org.provider.get(url)).body.total).toBe(0);

    const first = await org.provider.post(url, external('A', { speedDial: '3' }));
    expect((await org.provider.post(url, external('B', { speedDial: '3' }))).body.error).toMatchObject({ code: 'duplicate', field: 'speedDial' });
    await org.provider.post(url, { contactUserId: user.id });
    expect((await org.provider.post(url, { contactUserId: user.id })).body.error).toMatchObject({ code: 'duplicate', field: 'contactUserId' });
    const internal = (await org.provider.get(`${url}?kind=internal`)).body.items[0];
    expect((await org.provider.patch(`${url}/${internal.id}`, { numbers: [{ number: '+4570000000', type: 'work' }] })).body.error).toMatchObject({
      field: 'numbers',
    });
    expect((await org.provider.patch(`${url}/${first.body.id}`, { firstName: '', lastName: '' })).body.error).toMatchObject({ field: 'firstName' });
    expect((await org.provider.patch(`${url}/${first.body.id}`, { kind: 'internal' })).body.error).toMatchObject({ code: 'unknown_field', field: 'kind' });
    expect((await org.provider.patch(`${url}/${first.body.id}`, { speedDial: '3' })).status).toBe(200);
    expect((await org.provider.get(`${url}/not-a-uuid`)).body.error).toMatchObject({ code: 'validation_failed', field: 'id' });
    expect((await org.provider.get(`${url}?sort=password`)).status).toBe(400);
  });

  it('documents every contact route in the OpenAPI document', async () => {
    const res = await api().app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths as Record<string, unknown>).filter((p) => p.includes('/contacts'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/organizations/{orgId}/contacts',
        '/api/v1/organizations/{orgId}/contacts/{id}',
        '/api/v1/organizations/{orgId}/groups/{groupId}/contacts',
        '/api/v1/organizations/{orgId}/users/{userId}/contacts',
        '/api/v1/organizations/{orgId}/users/{userId}/contacts/effective',
        '/api/v1/organizations/{orgId}/users/{userId}/contacts/imports/{importId}/commit',
      ]),
    );
  });
});
