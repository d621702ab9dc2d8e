import { describe, expect, it } from 'vitest';
import { uniqueSuffix } from '../../store/test-engines.ts';
import { createTestOrg, createTestUser, useTestApi, type TestApi, type TestOrg } from '../test-app.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { USER_CSV_COLUMNS } from './csv.ts';
import { importUsersCsv } from './import-routes.ts';

const HEADER = USER_CSV_COLUMNS.join(';');

/** A CSV text from a header and rows of cells (no quoting needed in these tests). */
function csv(header: readonly string[], rows: readonly (readonly string[])[], delimiter = ';'): string {
  return [header, ...rows].map((r) => r.join(delimiter)).join('\r\n') + '\r\n';
}

/** One row in export column order, from the cells given by name. */
function row(cells: Partial<Record<(typeof USER_CSV_COLUMNS)[number], string>>): string[] {
  return USER_CSV_COLUMNS.map((c) => cells[c] ?? '');
}

async function importCsv(api: TestApi, token: string, orgId: string, body: string | Buffer, query = '', contentType = 'text/csv') {
  const res = await api.app.inject({
    method: 'POST',
    url: `/api/v1/organizations/${orgId}/users/import${query}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload: body,
  });
  return { status: res.statusCode, body: res.json() };
}

async function exportCsv(api: TestApi, token: string, orgId: string) {
  const res = await api.app.inject({ method: 'GET', url: `/api/v1/organizations/${orgId}/users/export.csv`, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, headers: res.headers, text: res.body };
}

async function userCount(org: TestOrg): Promise<number> {
  return (await org.provider.get(`/api/v1/organizations/${org.orgId}/users?limit=1`)).body.total;
}

async function publicStart(org: TestOrg): Promise<string> {
  const ranges = await org.provider.get(`/api/v1/organizations/${org.orgId}/number-ranges`);
  return ranges.body.items.find((r: { kind: string }) => r.kind === 'public').start;
}

/** A multipart/form-data body with one file field. */
function multipart(content: Buffer, filename = 'users.csv'): { body: Buffer; contentType: string } {
  const boundary = '----vaxel-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('users CSV export', () => {
  const api = useTestApi();

  it('exports UTF-8 with BOM, ";" and the stable header, with group names and lines', async () => {
    const org = await createTestOrg(api());
    const sales = await api().store.groups.create(org.orgId, { name: 'Salg' });
    const support = await api().store.groups.create(org.orgId, { name: 'Support; 2. linje' });
    const u = await createTestUser(api(), org, {
      firstName: 'Søren',
      lastName: 'Ærø',
      callerId: '+4570000000',
      allowedApps: ['web_softphone', 'ipad'],
      groupIds: [support.id, sales.id],
      directoryFields: ['=HYPERLINK("x")', '', '', '-', '', ''],
      lines: [
        { slot: 'primary', number: '201', lineType: 'office_fixed' },
        { slot: 'secondary', number: '202', lineType: 'office_mobile' },
      ],
    });
    const res = await exportCsv(api(), api().providerToken, org.orgId);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const lines = res.text.slice(1).split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines[1]).toBe(
      `${u.id};${u.username};Søren;Ærø;da;standard;user;+4570000000;;;;;web_softphone,ipad;"Salg|Support; 2. linje";201;office_fixed;;202;office_mobile;;"'=HYPERLINK(""x"")";;;'-;;`,
    );
    expect(lines[2]).toBe('');
  });

  it('gives a group admin only the users and group names of the groups it administers', async () => {
    const org = await createTestOrg(api());
    const admins = await api().store.groups.create(org.orgId, { name: 'Admins' });
    const team = await api().store.groups.create(org.orgId, { name: 'Team' });
    const other = await api().store.groups.create(org.orgId, { name: 'Other' });
    await api().store.groups.setAdministeredGroups(org.orgId, admins.id, [team.id]);
    const admin = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins.id] });
    const inside = await createTestUser(api(), org, { groupIds: [team.id, other.id] });
    await createTestUser(api(), org, { groupIds: [other.id] });
    const res = await exportCsv(api(), admin.as.token, org.orgId);
    expect(res.status).toBe(200);
    const rows = res.text.slice(1).trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`${inside.id};${inside.username}`);
    expect(rows[0]).toContain(';Team;');
    expect(rows[0]).not.toContain('Other');
  });
});

describe('users CSV import', () => {
  const api = useTestApi();

  it('round-trips: an unmodified export re-imports unchanged, an edited one changes exactly the edits', async () => {
    const org = await createTestOrg(api());
    const group = await api().store.groups.create(org.orgId, { name: 'Kundeservice' });
    const pub = await publicStart(org);
    const a = await createTestUser(api(), org, {
      firstName: 'Åse',
      lastName: 'Østergård',
      groupIds: [group.id],
      lines: [{ slot: 'primary', number: pub, lineType: 'office_fixed', aliasExtension: '210' }],
    });
    const b = await createTestUser(api(), org, {
      firstName: 'Bo',
      lastName: 'Ek',
      language: 'sv',
      directoryFields: ['Volvo', '', '', '', '', 'x'],
      lines: [{ slot: 'primary', number: '220', lineType: 'office_fixed' }],
    });
    await createTestUser(api(), org, { firstName: 'Carl', lastName: '-', callerId: '+4570000001', allowedApps: ['collaboration'] });
    const exported = (await exportCsv(api(), api().providerToken, org.orgId)).text;

    const same = await importCsv(api(), api().providerToken, org.orgId, exported);
    expect(same).toEqual({ status: 200, body: { created: 0, updated: 0, unchanged: 3, dryRun: false } });

    const beforeA = (await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${a.id}`)).body;
    const beforeB = (await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${b.id}`)).body;
    const edited = exported.replace(';Bo;Ek;', ';Bo;Eklund;').replace(';220;office_fixed;;;;;', ';220;office_fixed;;221;office_mobile;;');
    expect(edited).not.toBe(exported);
    const res = await importCsv(api(), api().providerToken, org.orgId, edited);
    expect(res).toEqual({ status: 200, body: { created: 0, updated: 1, unchanged: 2, dryRun: false } });
    const afterA = (await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${a.id}`)).body;
    const afterB = (await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${b.id}`)).body;
    expect(afterA).toEqual(beforeA);
    expect({ ...afterB, updatedAt: null }).toEqual({
      ...beforeB,
      updatedAt: null,
      lastName: 'Eklund',
      lines: [
        { slot: 'primary', number: '220', lineType: 'office_fixed', aliasExtension: null },
        { slot: 'secondary', number: '221', lineType: 'office_mobile', aliasExtension: null },
      ],
    });
    const again = await importCsv(api(), api().providerToken, org.orgId, (await exportCsv(api(), api().providerToken, org.orgId)).text);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
  });

  it('creates users from a ";" file with BOM, quoted fields and æøå, and updates by username', async () => {
    const org = await createTestOrg(api());
    await api().store.groups.create(org.orgId, { name: 'Salg' });
    await api().store.groups.create(org.orgId, { name: 'Drift' });
    const existing = await createTestUser(api(), org, { firstName: 'Old' });
    const text =
      '\uFEFFusername;firstName;lastName;groups;primaryNumber;primaryLineType;dir1\r\n' +
      'Søren.Ærø@Firma.dk;Søren;"Ærø; Jr.";salg|Drift;230;Office_Mobile;"Bil: ""Volvo""\nog cykel"\r\n' +
      `${existing.username};New;;;;;\r\n`;
    const res = await importCsv(api(), api().providerToken, org.orgId, text);
    expect(res).toEqual({ status: 200, body: { created: 1, updated: 1, unchanged: 0, dryRun: false } });
    const list = await org.provider.get(`/api/v1/organizations/${org.orgId}/users?q=søren`);
    expect(list.body.items[0]).toMatchObject({
      username: 'søren.ærø@firma.dk',
      firstName: 'Søren',
      lastName: 'Ærø; Jr.',
      language: 'da',
      lines: [{ slot: 'primary', number: '230', lineType: 'office_mobile', aliasExtension: null }],
      directoryFields: ['Bil: "Volvo"\nog cykel', '', '', '', '', ''],
    });
    expect(list.body.items[0].groupIds).toHaveLength(2);
    const updated = await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${existing.id}`);
    expect(updated.body).toMatchObject({ firstName: 'New', lastName: 'User' });
  });

  it('reads "," files and lets "-" clear a field while an empty cell leaves it', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, {
      callerId: '+4570000002',
      forwardNumber: '+4512345678',
      lines: [{ slot: 'primary', number: '240', lineType: 'office_fixed' }],
    });
    const res = await importCsv(
      api(),
      api().providerToken,
      org.orgId,
      csv(['id', 'callerId', 'forwardNumber', 'primaryNumber', 'lastName'], [[u.id, '-', '', '-', '']], ','),
    );
    expect(res.body).toMatchObject({ updated: 1 });
    const after = await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${u.id}`);
    expect(after.body).toMatchObject({ callerId: null, forwardNumber: '+4512345678', lines: [], lastName: 'User' });
  });

  it('reports every broken row by row and column and writes nothing', async () => {
    const org = await createTestOrg(api());
    await api().store.groups.create(org.orgId, { name: 'Salg' });
    const before = await userCount(org);
    const text = csv(HEADER.split(';'), [
      row({ username: 'ok@example.test', firstName: 'Ok' }),
      row({ username: 'bad-number@example.test', primaryNumber: 'abc' }),
      row({ username: 'outside@example.test', primaryNumber: '999' }),
      row({ username: 'dup1@example.test', primaryNumber: '250' }),
      row({ username: 'dup2@example.test', primaryNumber: '250' }),
      row({ username: 'group@example.test', groups: 'Salg|Nowhere' }),
      row({ username: 'not-an-email' }),
      ['short@example.test', 'A'],
    ]);
    const res = await importCsv(api(), api().providerToken, org.orgId, text);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'rows.2.primaryNumber' });
    expect(res.body.error.message).toMatch(/^Row 2: primaryNumber: must be a phone number.*\(and 5 more problems; see details\)$/);
    expect(res.body.error.details.map((d: { row: number; field: string; code: string }) => [d.row, d.field, d.code])).toEqual([
      [2, 'rows.2.primaryNumber', 'validation_failed'],
      [3, 'rows.3.primaryNumber', 'number_not_in_range'],
      [5, 'rows.5.primaryNumber', 'number_in_use'],
      [6, 'rows.6.groups', 'validation_failed'],
      [7, 'rows.7.username', 'validation_failed'],
      [8, 'rows.8', 'validation_failed'],
    ]);
    expect(res.body.error.details[2].message).toBe('primaryNumber: 250 is also on row 4');
    expect(res.body.error.details[3].message).toBe('groups: unknown group "Nowhere"');
    expect(res.body.error.details[5]).toMatchObject({ line: 9, message: `Row 8 has 2 columns, the header has ${USER_CSV_COLUMNS.length}` });
    expect(await userCount(org)).toBe(before);
  });

  it('names one broken row in field and message', async () => {
    const org = await createTestOrg(api());
    const taken = await createTestUser(api(), org, { lines: [{ slot: 'primary', number: '260', lineType: 'office_fixed' }] });
    const text = csv(
      ['username', 'primaryNumber'],
      [
        ['a@example.test', '261'],
        ['b@example.test', '262'],
        ['c@example.test', '263'],
        ['d@example.test', '264'],
        ['e@example.test', '265'],
        ['f@example.test', '266'],
        ['g@example.test', '260'],
      ],
    );
    const res = await importCsv(api(), api().providerToken, org.orgId, text);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'rows.7.primaryNumber', message: 'Row 7: primaryNumber: 260 is already in use' });
    expect(res.body.error.details).toEqual([
      { row: 7, line: 8, field: 'rows.7.primaryNumber', code: 'number_in_use', message: 'primaryNumber: 260 is already in use' },
    ]);
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/users?q=example.test&limit=50`)).body.items.map((u: { id: string }) => u.id)).toEqual([
      taken.id,
    ]);
  });

  it('refuses unknown columns, an id of another organization and a username of another user', async () => {
    const org = await createTestOrg(api());
    const other = await createTestOrg(api());
    const stranger = await createTestUser(api(), other);
    const unknown = await importCsv(api(), api().providerToken, org.orgId, csv(['username', 'shoeSize'], [['a@example.test', '44']]));
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', field: 'header.shoeSize' } } });
    const foreign = await importCsv(api(), api().providerToken, org.orgId, csv(['id', 'firstName'], [[stranger.id, 'X']]));
    expect(foreign.body.error).toMatchObject({ field: 'rows.1.id', message: `Row 1: id: user ${stranger.id} does not exist` });
    const taken = await importCsv(api(), api().providerToken, org.orgId, csv(['username'], [[stranger.username]]));
    expect(taken.body.error).toMatchObject({ field: 'rows.1.username', details: [{ code: 'duplicate' }] });
    const unclosed = await importCsv(api(), api().providerToken, org.orgId, 'username;firstName\r\na@example.test;"open\r\n');
    expect(unclosed.body.error).toMatchObject({ code: 'invalid_file', field: 'rows.1' });
  });

  it('names the CSV column when the service refuses a row while writing, and keeps nothing', async () => {
    const org = await createTestOrg(api());
    const principal: Principal = { kind: 'provider', id: org.orgId, name: 'P', email: 'p@vaxel.test', via: 'token' };
    const tag = uniqueSuffix();
    const text = csv(
      ['username', 'primaryNumber', 'secondaryNumber', 'secondaryLineType'],
      [
        [`w1-${tag}@example.test`, '271', '', ''],
        [`w2-${tag}@example.test`, '272', '273', 'office_mobile'],
      ],
    );
    const attempt = api().store.transaction(async (tx) => {
      // Another request takes 273 between the check of the file and the write.
      const racing = {
        ...tx,
        numbers: {
          ...tx.numbers,
          findAssignment: async (orgId: string, n: string) =>
            n === '273' ? { number: n, ownerKind: 'user', ownerId: org.orgId } : tx.numbers.findAssignment(orgId, n),
        },
      };
      return importUsersCsv(racing, { orgId: org.orgId, principal, scope: { kind: 'organization' } }, text, {
        passwordCost: { memoryCost: 1024, timeCost: 1 },
      });
    });
    const err = await attempt.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: 'validation_failed',
      field: 'rows.2.secondaryNumber',
      message: 'Row 2: secondaryNumber: 273 is already in use',
      details: [{ row: 2, code: 'number_in_use' }],
    });
    expect(await userCount(org)).toBe(0);
  });

  it('previews with dryRun=true: the same answer, nothing written', async () => {
    const org = await createTestOrg(api());
    const before = await userCount(org);
    const text = csv(
      ['username', 'firstName', 'primaryNumber'],
      [
        ['preview1@example.test', 'P', '270'],
        ['preview2@example.test', 'Q', ''],
      ],
    );
    const res = await importCsv(api(), api().providerToken, org.orgId, text, '?dryRun=true');
    expect(res).toEqual({ status: 200, body: { created: 2, updated: 0, unchanged: 0, dryRun: true } });
    expect(await userCount(org)).toBe(before);
    const bad = await importCsv(api(), api().providerToken, org.orgId, csv(['username', 'primaryNumber'], [['p@example.test', '999']]), '?dryRun=true');
    expect(bad.body.error.field).toBe('rows.1.primaryNumber');
  });

  it('moves a number from one user to another in one file, whatever the row order; a swap is refused', async () => {
    const org = await createTestOrg(api());
    const a = await createTestUser(api(), org, { lines: [{ slot: 'primary', number: '280', lineType: 'office_fixed' }] });
    const b = await createTestUser(api(), org, { lines: [{ slot: 'primary', number: '281', lineType: 'office_fixed' }] });
    const move = await importCsv(
      api(),
      api().providerToken,
      org.orgId,
      csv(
        ['id', 'primaryNumber'],
        [
          [b.id, '280'],
          [a.id, '282'],
        ],
      ),
    );
    expect(move.body).toMatchObject({ updated: 2 });
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${b.id}`)).body.lines[0].number).toBe('280');
    const swap = await importCsv(
      api(),
      api().providerToken,
      org.orgId,
      csv(
        ['id', 'primaryNumber'],
        [
          [a.id, '280'],
          [b.id, '282'],
        ],
      ),
    );
    expect(swap.body.error).toMatchObject({ code: 'validation_failed', details: [{ code: 'conflict' }] });
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${a.id}`)).body.lines[0].number).toBe('282');
  });

  it('keeps a group admin inside its groups', async () => {
    const org = await createTestOrg(api());
    const admins = await api().store.groups.create(org.orgId, { name: 'Admins' });
    const team = await api().store.groups.create(org.orgId, { name: 'Team' });
    const other = await api().store.groups.create(org.orgId, { name: 'Other' });
    await api().store.groups.setAdministeredGroups(org.orgId, admins.id, [team.id]);
    const admin = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins.id] });
    const inside = await createTestUser(api(), org, { groupIds: [team.id, other.id] });
    const outside = await createTestUser(api(), org, { groupIds: [other.id] });
    const token = admin.as.token;

    const outOfScope = await importCsv(api(), token, org.orgId, csv(['id', 'firstName'], [[outside.id, 'X']]));
    expect(outOfScope.body.error.field).toBe('rows.1.id');
    const noGroup = await importCsv(api(), token, org.orgId, csv(['username', 'groups'], [['new1@example.test', '']]));
    expect(noGroup.body.error.field).toBe('rows.1.groups');
    const otherGroup = await importCsv(api(), token, org.orgId, csv(['username', 'groups'], [['new1@example.test', 'Other']]));
    expect(otherGroup.body.error).toMatchObject({ field: 'rows.1.groups', message: 'Row 1: groups: unknown group "Other"' });
    const role = await importCsv(api(), token, org.orgId, csv(['username', 'groups', 'role'], [['new1@example.test', 'Team', 'org_admin']]));
    expect(role.body.error).toMatchObject({ field: 'rows.1.role', details: [{ code: 'forbidden' }] });

    const exported = (await exportCsv(api(), token, org.orgId)).text;
    expect((await importCsv(api(), token, org.orgId, exported)).body).toMatchObject({ unchanged: 1 });
    const ok = await importCsv(api(), token, org.orgId, `${exported}${row({ username: 'new2@example.test', groups: 'team' }).join(';')}\r\n`);
    expect(ok.body).toMatchObject({ created: 1, unchanged: 1 });
    const after = await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${inside.id}`);
    expect(after.body.groupIds.sort()).toEqual([team.id, other.id].sort());
  });
});

describe('users import uploads', () => {
  const api = useTestApi();
  const big = 'username\r\n' + 'x'.repeat(50 * 1024 * 1024);

  it('answers 413 for a 50 MB body on both import endpoints, and for a 50 MB multipart file', async () => {
    const org = await createTestOrg(api());
    for (const [path, type] of [
      ['import', 'text/csv'],
      ['import-ldif', 'text/x-ldif'],
      ['import-ldif', 'text/plain'],
    ] as const) {
      const res = await api().app.inject({
        method: 'POST',
        url: `/api/v1/organizations/${org.orgId}/users/${path}`,
        headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': type },
        payload: big,
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
    }
    const form = multipart(Buffer.from(big));
    const res = await importCsv(api(), api().providerToken, org.orgId, form.body, '', form.contentType);
    expect(res).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect(await userCount(org)).toBe(0);
  });

  it('answers 415 for another content type', async () => {
    const org = await createTestOrg(api());
    for (const path of ['import', 'import-ldif']) {
      const res = await api().app.inject({
        method: 'POST',
        url: `/api/v1/organizations/${org.orgId}/users/${path}`,
        headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
    }
  });

  it('reads windows-1252 (Excel "CSV") as a multipart file and as a text body', async () => {
    const org = await createTestOrg(api());
    const tag = uniqueSuffix();
    const latin1 = (name: string) => Buffer.from(`username;firstName;lastName\r\n${name}-${tag}@example.test;Bjørn;Æbelø\r\n`, 'latin1');
    const form = multipart(latin1('multipart'));
    expect((await importCsv(api(), api().providerToken, org.orgId, form.body, '', form.contentType)).body).toMatchObject({ created: 1 });
    expect((await importCsv(api(), api().providerToken, org.orgId, latin1('body'))).body).toMatchObject({ created: 1 });
    const list = await org.provider.get(`/api/v1/organizations/${org.orgId}/users?q=æbelø`);
    expect(list.body.items.map((u: { firstName: string; lastName: string }) => `${u.firstName} ${u.lastName}`)).toEqual(['Bjørn Æbelø', 'Bjørn Æbelø']);
  });
});
