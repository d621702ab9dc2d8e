import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { AD_EXPORT } from '../imports/ldif-ad-export.fixture.ts';
import { uniqueSuffix } from '../../store/test-engines.ts';
import { createTestOrg, createTestUser, useTestApi, type TestApi, type TestOrg } from '../test-app.ts';
import { importUsersFromLdif } from './ldif-import.ts';

async function importLdif(api: TestApi, token: string, orgId: string, body: string | Buffer, query = '', contentType = 'text/x-ldif') {
  const res = await api.app.inject({
    method: 'POST',
    url: `/api/v1/organizations/${orgId}/users/import-ldif${query}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload: body,
  });
  return { status: res.statusCode, body: res.json() };
}

async function users(org: TestOrg) {
  const res = await org.provider.get(`/api/v1/organizations/${org.orgId}/users?limit=100`);
  const items = res.body.items as {
    id: string;
    username: string;
    firstName: string;
    lastName: string;
    language: string;
    externalId: string | null;
    groupIds: string[];
  }[];
  return items.sort((a, b) => a.username.localeCompare(b.username));
}

/** The AD export fixture with its mail domains made unique (usernames are unique in the installation). */
function adExport(tag: string): string {
  return AD_EXPORT.replace(/@firma\.(dk|fr)/gi, (_m, tld: string) => `@firma-${tag}.${tld}`);
}

/** An LDIF entry of an AD user; `extra` lines are appended. */
function adUser(cn: string, mail: string, guid: string, extra: readonly string[] = []): string {
  return [
    `dn: CN=${cn},OU=Brugere,DC=firma,DC=local`,
    'objectClass: top',
    'objectClass: person',
    'objectClass: organizationalPerson',
    'objectClass: user',
    `mail: ${mail}`,
    `objectGUID: ${guid}`,
    ...extra,
    '',
  ].join('\n');
}

const GUID_A = '11111111-2222-3333-4444-555555555555';
const GUID_B = '66666666-7777-8888-9999-000000000000';

describe('users LDIF import', () => {
  const api = useTestApi();

  it('imports the people of an AD export and reports each entry it skips by line', async () => {
    const org = await createTestOrg(api());
    const tag = uniqueSuffix();
    const res = await importLdif(api(), api().providerToken, org.orgId, adExport(tag));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 3, updated: 0, unchanged: 0, dryRun: false });
    expect(res.body.skipped).toEqual([
      { line: 46, field: 'entries.46', message: 'line 48: line has no ":" between attribute and value: "this line has no colon"' },
      { line: 51, field: 'entries.51', message: 'line 53: attribute "cn": invalid base64 value' },
      { line: 55, field: 'entries.55', message: 'line 55: entry must start with "dn:" (found "objectClass:"; its "dn:" is on line 56)' },
      { line: 58, field: 'entries.58.objectClass', message: 'not a user (objectClass: top, group)' },
      { line: 63, field: 'entries.63', message: 'line 66: attribute "jpegPhoto": URL values (":<") are not supported' },
    ]);
    expect(
      (await users(org)).map(({ username, firstName, lastName, language, externalId }) => ({ username, firstName, lastName, language, externalId })),
    ).toEqual([
      { username: `aase@firma-${tag}.dk`, firstName: 'Åse', lastName: 'Østergård', language: 'nb', externalId: '1002' },
      {
        username: `jean.dupont@firma-${tag}.fr`,
        firstName: 'Jean',
        lastName: 'Dupont',
        language: 'fr',
        externalId: 'CN=Jean Dupont,OU=Brugere,DC=firma,DC=local',
      },
      { username: `soren.aero@firma-${tag}.dk`, firstName: 'Søren', lastName: 'Ærø', language: 'da', externalId: '6f9619ff-8b86-d011-b42d-00c04fc964ff' },
    ]);
  });

  it('re-imports unchanged, and updates by objectGUID even when the mail changed', async () => {
    const org = await createTestOrg(api());
    const tag = uniqueSuffix();
    await importLdif(api(), api().providerToken, org.orgId, adExport(tag));
    const before = await users(org);
    const again = await importLdif(api(), api().providerToken, org.orgId, adExport(tag));
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const changed = adExport(tag)
      .replace(`mail: Soren.Aero@firma-${tag}.dk`, `mail: soren.aeroe@firma-${tag}.dk`)
      .replace('sn:: w4Zyw7g=', `sn:: ${Buffer.from('Ærøe').toString('base64')}`);
    const res = await importLdif(api(), api().providerToken, org.orgId, changed);
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const after = await users(org);
    const soren = after.find((u) => u.externalId === '6f9619ff-8b86-d011-b42d-00c04fc964ff');
    expect(soren).toMatchObject({
      id: before.find((u) => u.username === `soren.aero@firma-${tag}.dk`)?.id,
      username: `soren.aeroe@firma-${tag}.dk`,
      lastName: 'Ærøe',
    });
    expect(after).toHaveLength(3);
  });

  it('links an existing user by username, but not one linked to another directory object', async () => {
    const org = await createTestOrg(api());
    const plain = await createTestUser(api(), org);
    const linked = await createTestUser(api(), org, { externalId: 'someone-else' });
    const text = [adUser('Plain', plain.username, GUID_A, ['givenName: Plain', 'sn: Person']), adUser('Linked', linked.username, GUID_B)].join('\n');
    const res = await importLdif(api(), api().providerToken, org.orgId, text);
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(res.body.skipped).toEqual([
      { line: 11, field: 'entries.11.objectGUID', message: `user ${linked.username} is linked to another directory object (someone-else)` },
    ]);
    const after = await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${plain.id}`);
    expect(after.body).toMatchObject({ externalId: GUID_A, firstName: 'Plain', lastName: 'Person' });
  });

  it('skips disabled accounts, contacts, computers and repeated entries', async () => {
    const org = await createTestOrg(api());
    const tag = uniqueSuffix();
    const contact = [
      'dn: CN=Ext,OU=Kontakter,DC=firma,DC=local',
      'objectClass: top',
      'objectClass: person',
      'objectClass: organizationalPerson',
      'objectClass: contact',
      `mail: ext-${tag}@partner.dk`,
      '',
    ].join('\n');
    const computer = [
      'dn: CN=PC1,DC=firma,DC=local',
      'objectClass: top',
      'objectClass: person',
      'objectClass: user',
      'objectClass: computer',
      `userPrincipalName: pc1-${tag}@firma.dk`,
      '',
    ].join('\n');
    const text = [
      adUser('Active', `active-${tag}@firma.dk`, GUID_A),
      adUser('Gone', `gone-${tag}@firma.dk`, GUID_B, ['userAccountControl: 514']),
      contact,
      computer,
      adUser('Active again', `other-${tag}@firma.dk`, GUID_A),
    ].join('\n');
    const res = await importLdif(api(), api().providerToken, org.orgId, text, '', 'text/plain');
    expect(res.body).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    expect(res.body.skipped.map((s: { field: string }) => s.field)).toEqual([
      'entries.9.userAccountControl',
      'entries.18.objectClass',
      'entries.25.objectClass',
      'entries.32.objectGUID',
    ]);
    expect(res.body.skipped[1].message).toBe('not a user (objectClass: top, person, organizationalperson, contact)');
    expect(res.body.skipped[3].message).toBe('the same user as the entry on line 1');
    expect((await users(org)).map((u) => u.username)).toEqual([`active-${tag}@firma.dk`]);
  });

  it('previews with dryRun=true and puts created users in ?groupId=', async () => {
    const org = await createTestOrg(api());
    const group = await api().store.groups.create(org.orgId, { name: 'AD' });
    const text = adUser('Ny', `ny-${uniqueSuffix()}@firma.dk`, GUID_A);
    const preview = await importLdif(api(), api().providerToken, org.orgId, text, `?dryRun=true&groupId=${group.id}`);
    expect(preview.body).toEqual({ created: 1, updated: 0, unchanged: 0, skipped: [], dryRun: true });
    expect(await users(org)).toEqual([]);
    const res = await importLdif(api(), api().providerToken, org.orgId, text, `?groupId=${group.id}`);
    expect(res.body).toMatchObject({ created: 1, dryRun: false });
    expect((await users(org))[0]?.groupIds).toEqual([group.id]);
    const unknown = await importLdif(api(), api().providerToken, org.orgId, text, `?groupId=${GUID_B}`);
    expect(unknown).toMatchObject({ status: 400, body: { error: { field: 'groupId' } } });
  });

  it('keeps a group admin to its groups', async () => {
    const org = await createTestOrg(api());
    const admins = await api().store.groups.create(org.orgId, { name: 'Admins' });
    const team = await api().store.groups.create(org.orgId, { name: 'Team' });
    const other = await api().store.groups.create(org.orgId, { name: 'Other' });
    await api().store.groups.setAdministeredGroups(org.orgId, admins.id, [team.id]);
    const admin = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins.id] });
    const outside = await createTestUser(api(), org, { groupIds: [other.id] });
    const text = [adUser('Ny', `ny-${uniqueSuffix()}@firma.dk`, GUID_A), adUser('Out', outside.username, GUID_B)].join('\n');
    const noGroup = await importLdif(api(), admin.as.token, org.orgId, text);
    expect(noGroup.body).toMatchObject({ created: 0, updated: 0 });
    expect(noGroup.body.skipped.map((s: { field: string }) => s.field)).toEqual(['entries.1', 'entries.9.mail']);
    expect((await importLdif(api(), admin.as.token, org.orgId, text, `?groupId=${other.id}`)).body.error.field).toBe('groupId');
    const res = await importLdif(api(), admin.as.token, org.orgId, text, `?groupId=${team.id}`);
    expect(res.body).toMatchObject({ created: 1, skipped: [{ field: 'entries.9.mail' }] });
    const outsideAfter = await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${outside.id}`);
    expect(outsideAfter.body.externalId).toBeNull();
  });

  it('reads a multipart UTF-16 file as written by ldifde -u', async () => {
    const org = await createTestOrg(api());
    const text = adUser('Åse', `aase-${uniqueSuffix()}@firma.dk`, GUID_A, ['givenName: Åse', 'sn: Ødegård']);
    const boundary = 'ldif-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.ldf"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(text, 'utf16le'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await importLdif(api(), api().providerToken, org.orgId, body, '', `multipart/form-data; boundary=${boundary}`);
    expect(res.body).toMatchObject({ created: 1 });
    expect((await users(org))[0]).toMatchObject({ firstName: 'Åse', lastName: 'Ødegård' });
  });

  it('writes all valid entries in one transaction: a failure while writing leaves none of them', async () => {
    const org = await createTestOrg(api());
    const principal: Principal = { kind: 'provider', id: GUID_B, name: 'P', email: 'p@vaxel.test', via: 'token' };
    const tag = uniqueSuffix();
    const text = [adUser('One', `one-${tag}@firma.dk`, GUID_A), adUser('Two', `two-${tag}@firma.dk`, GUID_B)].join('\n');
    const attempt = api().store.transaction(async (tx) => {
      let creates = 0;
      const failing = {
        ...tx,
        users: {
          ...tx.users,
          create: async (...args: Parameters<typeof tx.users.create>) => {
            creates += 1;
            if (creates === 2) throw new Error('connection lost');
            return tx.users.create(...args);
          },
        },
      };
      return importUsersFromLdif(
        failing,
        { orgId: org.orgId, principal, scope: { kind: 'organization' } },
        text,
        {},
        { passwordCost: { memoryCost: 1024, timeCost: 1 } },
      );
    });
    await expect(attempt).rejects.toThrow('connection lost');
    expect(await users(org)).toEqual([]);
  });
});
