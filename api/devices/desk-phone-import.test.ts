import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';
import { parseDeskPhoneCsv } from './desk-phone-import.ts';

describe('desk-phone CSV parsing', () => {
  it('reads a semicolon file with BOM, CRLF, header in any order and Danish letters', () => {
    const { rows, problems } = parseDeskPhoneCsv(
      '\ufeffModel;MAC;Beskrivelse;Brugernavn\r\nSnom D785;00:04:13:AA:00:01;Kantine, Århus;\r\n\r\n;;;\r\nmitel 6869;000413aa0002;"Lager; øst";søren@example.dk\r\n',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { row: 1, line: 2, mac: '000413aa0001', model: 'Snom D785', description: 'Kantine, Århus', username: null },
      { row: 2, line: 5, mac: '000413aa0002', model: 'Mitel 6869i', description: 'Lager; øst', username: 'søren@example.dk' },
    ]);
  });

  it('reads a comma file without a header in the default column order', () => {
    const { rows } = parseDeskPhoneCsv('000413aa0003,Snom D717,Front desk,a@example.test\n000413aa0004,Snom D717\n');
    expect(rows.map((r) => [r.mac, r.description, r.username])).toEqual([
      ['000413aa0003', 'Front desk', 'a@example.test'],
      ['000413aa0004', '', null],
    ]);
  });

  it('names every broken row and column', () => {
    const { problems } = parseDeskPhoneCsv(
      'mac;model;description;username\n000413aa0005;Snom D785;;\nnope;Snom D785;;\n000413aa0005;Fax 3000;;\n000413aa0006;Snom D785;;not-an-email\n000413aa0007;Snom D785;;;extra\n',
    );
    expect(problems.map((p) => p.field)).toEqual(['rows.2.mac', 'rows.3.mac', 'rows.3.model', 'rows.4.username', 'rows.5']);
    expect(problems[2]?.message).toContain('Row 3 (line 4)');
  });

  it('refuses an unknown header column, a missing mac column and text that is not UTF-8', () => {
    expect(() => parseDeskPhoneCsv('mac;model;colour\n000413aa0008;Snom D785;red\n')).toThrow(expect.objectContaining({ field: 'header.3' }));
    expect(() => parseDeskPhoneCsv('model;description\nSnom D785;x\n')).toThrow(expect.objectContaining({ field: 'header' }));
    expect(() => parseDeskPhoneCsv('mac;model;description\n000413aa0009;Snom D785;K\ufffdkken\n')).toThrow(expect.objectContaining({ code: 'invalid_file' }));
    expect(() => parseDeskPhoneCsv('mac;model\n"000413aa0010;Snom D785\n')).toThrow(expect.objectContaining({ code: 'invalid_file' }));
    expect(() => parseDeskPhoneCsv('mac;model;description;username\n')).toThrow(expect.objectContaining({ field: 'rows' }));
  });
});

describe('desk-phone CSV import API', () => {
  const api = useTestApi();
  const importUrl = (org: TestOrg, query = '') => `/api/v1/organizations/${org.orgId}/devices/desk-phones/import${query}`;
  const upload = (token: string, url: string, csv: string, contentType = 'text/csv; charset=utf-8') =>
    api().app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, payload: csv });

  it('imports a semicolon file with BOM and æøå, assigning users by username', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { firstName: 'Åse', lastName: 'Øster' });
    const csv = `\ufeffmac;model;description;username\r\n00:04:13:EE:00:01;Snom D785;Mødelokale Æble;${u.username}\r\n00-04-13-ee-00-02;Mitel 6873i;Lager øst;\r\n`;
    const res = await upload(api().providerToken, importUrl(org), csv);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: false, count: 2 });
    expect(
      body.items.map((d: { mac: string; description: string; state: string; userId: string | null }) => [d.mac, d.description, d.state, d.userId]),
    ).toEqual([
      ['000413ee0001', 'Mødelokale Æble', 'user_assigned', u.id],
      ['000413ee0002', 'Lager øst', 'not_provisioned', null],
    ]);
    const list = await org.provider.get(`/api/v1/organizations/${org.orgId}/devices?kind=desk_phone&q=æble`);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].user).toMatchObject({ name: 'Åse Øster' });
  });

  it('saves nothing when one row is broken and names that row and column', async () => {
    const org = await createTestOrg(api());
    const csv = 'mac,model,description,username\n000413ee0101,Snom D735,A,\n000413ee0102,Snom D735,B,\n000413ee01zz,Snom D735,C,\n000413ee0104,Snom D735,D,\n';
    const res = await upload(api().providerToken, importUrl(org), csv);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', field: 'rows.3.mac' });
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/devices`)).body.total).toBe(0);
    const unknownUser = await upload(api().providerToken, importUrl(org), 'mac;model;description;username\n000413ee0105;Snom D735;;ghost@example.test\n');
    expect(unknownUser.json().error).toMatchObject({ code: 'validation_failed', field: 'rows.1.username' });
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/devices`)).body.total).toBe(0);
  });

  it('answers 409 naming the row when a MAC is already registered, keeping the rows before it out too', async () => {
    const org = await createTestOrg(api());
    await org.provider.post(`/api/v1/organizations/${org.orgId}/devices`, { kind: 'desk_phone', mac: '000413ee0202', model: 'Snom D785' });
    const res = await upload(api().providerToken, importUrl(org), 'mac;model\n000413ee0201;Snom D785\n00:04:13:ee:02:02;Snom D785\n');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'duplicate', field: 'rows.2.mac' });
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/devices`)).body.total).toBe(1);
  });

  it('previews with dryRun=true without saving or auditing anything', async () => {
    const org = await createTestOrg(api());
    const res = await upload(api().providerToken, importUrl(org, '?dryRun=true'), 'mac;model;description\n000413ee0301;Snom D865;Reception\n');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      dryRun: true,
      count: 1,
      rows: [{ row: 1, mac: '000413ee0301', model: 'Snom D865', description: 'Reception', userId: null, state: 'not_provisioned' }],
    });
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/devices`)).body.total).toBe(0);
    expect((await api().store.audit.list(org.orgId, { limit: 10, offset: 0, action: 'device.import' })).total).toBe(0);
    const broken = await upload(api().providerToken, importUrl(org, '?dryRun=true'), 'mac;model\n000413ee0302;Nokia 3310\n');
    expect(broken.json().error.field).toBe('rows.1.model');
    const real = await upload(api().providerToken, importUrl(org), 'mac;model;description\n000413ee0301;Snom D865;Reception\n');
    expect(real.statusCode).toBe(201);
    expect((await api().store.audit.list(org.orgId, { limit: 10, offset: 0, action: 'device.import' })).total).toBe(1);
  });

  it('accepts the file as a multipart upload and refuses JSON', async () => {
    const org = await createTestOrg(api());
    const boundary = '----vaxel';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="phones.csv"\r\nContent-Type: text/csv\r\n\r\nmac;model\r\n000413ee0401;Snom D785\r\n--${boundary}--\r\n`;
    const multipart = await upload(api().providerToken, importUrl(org), payload, `multipart/form-data; boundary=${boundary}`);
    expect(multipart.statusCode).toBe(201);
    expect(multipart.json().count).toBe(1);
    const json = await upload(api().providerToken, importUrl(org), JSON.stringify({ mac: '000413ee0402' }), 'application/json');
    expect(json.statusCode).toBe(415);
  });

  it('lets a group admin import only phones for users in their groups', async () => {
    const org = await createTestOrg(api());
    const sales = await api().store.groups.create(org.orgId, { name: 'Sales' });
    const admins = await api().store.groups.create(org.orgId, { name: 'Admins' });
    await api().store.groups.setAdministeredGroups(org.orgId, admins.id, [sales.id]);
    const admin = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins.id] });
    const inside = await createTestUser(api(), org, { groupIds: [sales.id] });
    const outside = await createTestUser(api(), org);
    const bad = await upload(
      admin.as.token,
      importUrl(org),
      `mac;model;username\n000413ee0501;Snom D785;${inside.username}\n000413ee0502;Snom D785;${outside.username}\n000413ee0503;Snom D785;\n`,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('rows.2.username');
    expect(bad.json().error.details.problems.map((p: { field: string }) => p.field)).toEqual(['rows.2.username', 'rows.3.username']);
    const ok = await upload(admin.as.token, importUrl(org), `mac;model;username\n000413ee0501;Snom D785;${inside.username}\n`);
    expect(ok.statusCode).toBe(201);
    const user = await createTestUser(api(), org);
    expect((await upload(user.as.token, importUrl(org), 'mac;model\n000413ee0504;Snom D785\n')).statusCode).toBe(403);
  });
});
