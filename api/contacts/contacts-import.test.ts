import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestApi, type TestOrg } from '../test-app.ts';

const orgUrl = (org: TestOrg) => `/api/v1/organizations/${org.orgId}`;

function multipart(filename: string, content: Buffer, field = 'file') {
  const boundary = `----vaxel${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(api: TestApi, token: string, url: string, filename: string, content: Buffer) {
  const m = multipart(filename, content);
  const res = await api.app.inject({ method: 'POST', url, headers: { ...m.headers, authorization: `Bearer ${token}` }, payload: m.payload });
  return { status: res.statusCode, body: res.json() };
}

async function uploadRaw(api: TestApi, token: string, url: string, content: Buffer, contentType = 'text/plain') {
  const res = await api.app.inject({ method: 'POST', url, headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, payload: content });
  return { status: res.statusCode, body: res.json() };
}

const DANISH =
  '\uFEFFFornavn;Efternavn;Firma;Afdeling;Telefon;Mobil;E-mail;Adresse\r\nSøren;Ærø;Fiskehuset A/S;Salg;+45 70 00 00 01;20 30 40 50;soren@example.dk;Åvej 1, 2850 Nærum\r\nÅse;Bødker;;Økonomi;+4570000002;;;\r\n';

describe('contact import API', () => {
  const api = useTestApi();

  it('previews a ;-separated UTF-8 file with BOM and æøå, suggests the mapping and imports it', async () => {
    const org = await createTestOrg(api());
    const url = `${orgUrl(org)}/contacts/imports`;
    const up = await upload(api(), api().providerToken, url, 'kontakter.txt', Buffer.from(DANISH, 'utf8'));
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      filename: 'kontakter.txt',
      delimiter: ';',
      encoding: 'utf-8',
      columns: 8,
      rowCount: 3,
      hasHeader: true,
      suggestedMapping: { firstName: 0, lastName: 1, company: 2, department: 3, workNumber: 4, mobileNumber: 5, email: 6, address: 7 },
    });
    expect(up.body.preview[0][0]).toBe('Fornavn');
    expect(up.body.preview[1]).toEqual(['Søren', 'Ærø', 'Fiskehuset A/S', 'Salg', '+45 70 00 00 01', '20 30 40 50', 'soren@example.dk', 'Åvej 1, 2850 Nærum']);
    expect((await org.provider.get(`${url}/${up.body.importId}`)).body).toMatchObject({ rowCount: 3, hasHeader: true, columns: 8 });

    const commit = await org.provider.post(`${url}/${up.body.importId}/commit`, { mapping: up.body.suggestedMapping, skipHeader: true });
    expect(commit.status).toBe(201);
    expect(commit.body).toEqual({ created: 2, skipped: 0 });
    const list = await org.provider.get(`${orgUrl(org)}/contacts?sort=last_name`);
    expect(list.body.items.map((c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`)).toEqual(['Åse Bødker', 'Søren Ærø']);
    const soren = list.body.items[1];
    expect(soren).toMatchObject({ kind: 'external', type: 'contact', company: 'Fiskehuset A/S', email: 'soren@example.dk', address: 'Åvej 1, 2850 Nærum' });
    expect(soren.numbers).toEqual([
      { number: '+4570000001', type: 'work', shortNumber: null },
      { number: '20304050', type: 'mobile', shortNumber: null },
    ]);
    // The upload is gone once committed.
    expect((await org.provider.get(`${url}/${up.body.importId}`)).status).toBe(404);
    expect((await org.provider.post(`${url}/${up.body.importId}/commit`, { mapping: up.body.suggestedMapping, skipHeader: true })).status).toBe(404);
  });

  it('decodes a windows-1252 file sent as a raw body, with contact types in Danish', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    const url = `${orgUrl(org)}/users/${user.id}/contacts/imports`;
    const latin1 = Buffer.from(
      'Fornavn\tEfternavn\tTelefon\tKontakttype\nSøren\tÆrø\t+4570000001\tBlokeret\nÅse\tBødker\t+4570000002\tForetrukken\n',
      'latin1',
    );
    const up = await uploadRaw(api(), user.as.token, `${url}?filename=Kontakter.TXT`, latin1);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      delimiter: '\t',
      encoding: 'windows-1252',
      hasHeader: true,
      suggestedMapping: { firstName: 0, lastName: 1, workNumber: 2, type: 3 },
    });
    expect(up.body.preview[1]).toEqual(['Søren', 'Ærø', '+4570000001', 'Blokeret']);
    const commit = await user.as.post(`${url}/${up.body.importId}/commit`, { mapping: up.body.suggestedMapping, skipHeader: true });
    expect(commit.body).toEqual({ created: 2, skipped: 0 });
    const eff = await user.as.get(`${orgUrl(org)}/users/${user.id}/contacts/effective?sort=last_name`);
    expect(eff.body.items.map((c: { lastName: string; type: string; removable: boolean }) => [c.lastName, c.type, c.removable])).toEqual([
      ['Bødker', 'favourite', true],
      ['Ærø', 'blocked', true],
    ]);
  });

  it('reads a comma-separated file without a header and guesses the columns from the data', async () => {
    const org = await createTestOrg(api());
    const url = `${orgUrl(org)}/contacts/imports`;
    const csv = '"Jensen, Kasper",kasper@example.dk,+4581808088,1\r\n"Hansen, Bo",bo@example.dk,+4581808089,2\r\n';
    const up = await uploadRaw(api(), api().providerToken, `${url}?filename=liste.rtx`, Buffer.from(csv), 'text/csv');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ delimiter: ',', columns: 4, hasHeader: false, suggestedMapping: { email: 1, workNumber: 2 } });
    const commit = await org.provider.post(`${url}/${up.body.importId}/commit`, {
      mapping: { lastName: 0, email: 1, workNumber: 2, speedDial: 3 },
      skipHeader: false,
    });
    expect(commit.body).toEqual({ created: 2, skipped: 0 });
    const bo = (await org.provider.get(`${orgUrl(org)}/contacts?q=hansen`)).body.items[0];
    expect(bo).toMatchObject({ lastName: 'Hansen, Bo', speedDial: '2' });
  });

  it('refuses files that do not end in .txt or .rtx, and requests without a file', async () => {
    const org = await createTestOrg(api());
    const url = `${orgUrl(org)}/contacts/imports`;
    const csv = await upload(api(), api().providerToken, url, 'kontakter.csv', Buffer.from(DANISH));
    expect(csv.status).toBe(400);
    expect(csv.body.error).toMatchObject({ code: 'invalid_file', field: 'file' });
    expect((await uploadRaw(api(), api().providerToken, `${url}?filename=x.xlsx`, Buffer.from(DANISH))).body.error).toMatchObject({
      code: 'invalid_file',
      field: 'filename',
    });
    expect((await uploadRaw(api(), api().providerToken, url, Buffer.from(DANISH))).body.error).toMatchObject({ code: 'invalid_file', field: 'filename' });
    const wrongField = multipart('a.txt', Buffer.from(DANISH), 'upload');
    const res = await api().app.inject({
      method: 'POST',
      url,
      headers: { ...wrongField.headers, authorization: `Bearer ${api().providerToken}` },
      payload: wrongField.payload,
    });
    expect(res.json().error).toMatchObject({ code: 'invalid_file', field: 'file' });
    expect((await uploadRaw(api(), api().providerToken, `${url}?filename=empty.txt`, Buffer.from('\uFEFF\r\n;;\r\n'))).body.error).toMatchObject({
      code: 'invalid_file',
      field: 'file',
    });
    expect((await org.provider.post(url, { rows: [] })).status).toBe(415);
  });

  it('imports nothing when one row is bad, naming the row and field, and keeps the upload for another try', async () => {
    const org = await createTestOrg(api());
    const url = `${orgUrl(org)}/contacts/imports`;
    const file = 'Fornavn;Efternavn;Telefon;E-mail\nÅse;Bødker;+4570000001;ase@example.dk\nBo;Ek;ring mig;bo@example.dk\nEva;Ås;+4570000003;ikke-en-mail\n';
    const up = await upload(api(), api().providerToken, url, 'k.txt', Buffer.from(file));
    const commitUrl = `${url}/${up.body.importId}/commit`;
    const bad = await org.provider.post(commitUrl, { mapping: up.body.suggestedMapping, skipHeader: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'rows.3.workNumber' });
    expect(bad.body.error.details.errors.map((e: { field: string }) => e.field)).toEqual(['rows.3.workNumber', 'rows.4.email']);
    expect((await org.provider.get(`${orgUrl(org)}/contacts`)).body.total).toBe(0);

    const noHeaderSkip = await org.provider.post(commitUrl, { mapping: { firstName: 0, workNumber: 2 }, skipHeader: false });
    expect(noHeaderSkip.body.error.field).toBe('rows.1.workNumber');
    const outOfRange = await org.provider.post(commitUrl, { mapping: { firstName: 0, workNumber: 2, email: 4 }, skipHeader: true });
    expect(outOfRange.body.error).toMatchObject({ code: 'validation_failed', field: 'mapping.email' });
    expect((await org.provider.post(commitUrl, { mapping: { firstName: 0 }, skipHeader: true })).body.error).toMatchObject({ field: 'mapping' });
    expect((await org.provider.post(commitUrl, { mapping: { firstName: -1, workNumber: 2 } })).body.error).toMatchObject({ field: 'mapping.firstName' });
    expect((await org.provider.post(commitUrl, { mapping: { nickname: 1 } })).body.error).toMatchObject({ code: 'unknown_field', field: 'mapping.nickname' });
    expect((await org.provider.get(`${orgUrl(org)}/contacts`)).body.total).toBe(0);

    // The upload stays for another try with another mapping.
    expect((await org.provider.get(`${url}/${up.body.importId}`)).status).toBe(200);
    const withoutEmail = await org.provider.post(commitUrl, { mapping: { firstName: 0, lastName: 1, workNumber: 2 }, skipHeader: true });
    expect(withoutEmail.body.error.details.errors).toHaveLength(1);
  });

  it('refuses a speed dial used twice in the file or already in the list', async () => {
    const org = await createTestOrg(api());
    await org.provider.post(`${orgUrl(org)}/contacts`, { lastName: 'Før', speedDial: '9', numbers: [{ number: '+4570000000', type: 'work' }] });
    const url = `${orgUrl(org)}/contacts/imports`;
    const up = await upload(
      api(),
      api().providerToken,
      url,
      'k.txt',
      Buffer.from('Navn;Tlf;Hurtigopkald\nA;+4570000001;1\nB;+4570000002;1\nC;+4570000003;9\n;;\n'),
    );
    const bad = await org.provider.post(`${url}/${up.body.importId}/commit`, { mapping: { lastName: 0, workNumber: 1, speedDial: 2 }, skipHeader: true });
    expect(bad.body.error.details.errors.map((e: { field: string }) => e.field)).toEqual(['rows.3.speedDial', 'rows.4.speedDial']);
    expect((await org.provider.get(`${orgUrl(org)}/contacts`)).body.total).toBe(1);
  });

  it('answers 413 for a 50 MB upload, multipart or raw', async () => {
    const org = await createTestOrg(api());
    const url = `${orgUrl(org)}/contacts/imports`;
    const line = Buffer.from('Åse;Bødker;+4570000001\r\n');
    const big = Buffer.alloc(50 * 1024 * 1024);
    for (let i = 0; i + line.length <= big.length; i += line.length) line.copy(big, i);
    const multi = await upload(api(), api().providerToken, url, 'big.txt', big);
    expect(multi.status).toBe(413);
    expect(multi.body.error.code).toBe('payload_too_large');
    const raw = await uploadRaw(api(), api().providerToken, `${url}?filename=big.txt`, big);
    expect(raw.status).toBe(413);
    expect(raw.body.error.code).toBe('payload_too_large');
    // Nothing was stored: pruning every upload of the organization finds none.
    expect(await api().store.contacts.pruneImports(org.orgId, -60)).toBe(0);
  });

  it('keeps uploads to their own list and organization', async () => {
    const a = await createTestOrg(api());
    const b = await createTestOrg(api());
    const userA = await createTestUser(api(), a);
    const otherA = await createTestUser(api(), a);
    const adminB = await createTestUser(api(), b, { role: 'org_admin' });
    const up = await upload(api(), api().providerToken, `${orgUrl(a)}/contacts/imports`, 'k.txt', Buffer.from(DANISH));
    const body = { mapping: up.body.suggestedMapping, skipHeader: true };
    // Same organization, another list's path: not found.
    expect((await a.provider.post(`${orgUrl(a)}/users/${userA.id}/contacts/imports/${up.body.importId}/commit`, body)).status).toBe(404);
    // Another organization: not found, whichever organization the path names.
    expect((await adminB.as.post(`${orgUrl(b)}/contacts/imports/${up.body.importId}/commit`, body)).status).toBe(404);
    expect((await adminB.as.post(`${orgUrl(a)}/contacts/imports/${up.body.importId}/commit`, body)).status).toBe(404);
    // A plain user imports into their own list only.
    expect((await upload(api(), userA.as.token, `${orgUrl(a)}/contacts/imports`, 'k.txt', Buffer.from(DANISH))).status).toBe(403);
    expect((await upload(api(), userA.as.token, `${orgUrl(a)}/users/${otherA.id}/contacts/imports`, 'k.txt', Buffer.from(DANISH))).status).toBe(403);
    expect((await a.provider.post(`${orgUrl(a)}/contacts/imports/${up.body.importId}/commit`, body)).body).toEqual({ created: 2, skipped: 0 });
    const discard = await upload(api(), userA.as.token, `${orgUrl(a)}/users/${userA.id}/contacts/imports`, 'k.txt', Buffer.from(DANISH));
    expect((await userA.as.delete(`${orgUrl(a)}/users/${userA.id}/contacts/imports/${discard.body.importId}`)).status).toBe(204);
    expect((await userA.as.get(`${orgUrl(a)}/users/${userA.id}/contacts/imports/${discard.body.importId}`)).status).toBe(404);
  });
});
