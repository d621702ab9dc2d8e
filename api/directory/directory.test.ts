import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

describe('directory fields and moderation API', () => {
  const api = useTestApi();
  const fieldsUrl = (org: TestOrg) => `/api/v1/organizations/${org.orgId}/directory-fields`;
  const modUrl = (org: TestOrg, rest = '') => `/api/v1/organizations/${org.orgId}/directory-moderation${rest}`;

  it('lists six fields, the first three searchable, and lets the org admin rename them', async () => {
    const org = await createTestOrg(api());
    const admin = await createTestUser(api(), org, { role: 'org_admin' });
    const user = await createTestUser(api(), org);
    const before = await user.as.get(fieldsUrl(org));
    expect(before.status).toBe(200);
    expect(before.body).toHaveLength(6);
    expect(before.body[0]).toEqual({ field: 1, name: 'Field 1', searchable: true });
    expect(before.body[3]).toEqual({ field: 4, name: 'Field 4', searchable: false });
    const names = ['Bilmærker', 'Sprog', 'Kompetencer', 'Team', 'Lokale', 'Noter'];
    const put = await admin.as.put(fieldsUrl(org), { names });
    expect(put.status).toBe(200);
    expect(put.body.map((f: { name: string }) => f.name)).toEqual(names);
    expect((await user.as.get(fieldsUrl(org))).body[0].name).toBe('Bilmærker');
    expect((await user.as.put(fieldsUrl(org), { names })).status).toBe(403);
    const five = await admin.as.put(fieldsUrl(org), { names: names.slice(0, 5) });
    expect(five.body.error).toMatchObject({ code: 'validation_failed', field: 'names' });
    const blank = await admin.as.put(fieldsUrl(org), { names: [...names.slice(0, 5), ' '] });
    expect(blank.body.error.field).toBe('names.5');
    const audit = await api().store.audit.list(org.orgId, { limit: 10, offset: 0, action: 'directory.fields_update' });
    expect(audit.total).toBe(1);
    const other = await createTestOrg(api());
    expect((await user.as.get(fieldsUrl(other))).status).toBe(404);
  });

  it('queues a user’s own change until an admin approves it, then shows the value', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org, { directoryFields: ['Volvo', '', '', '', '', ''] });
    const req = await user.as.put('/api/v1/me/directory-fields/1', { value: '  Saab  ' });
    expect(req.status).toBe(202);
    expect(req.body).toMatchObject({
      userId: user.id,
      field: 1,
      fieldName: 'Field 1',
      searchable: true,
      oldValue: 'Volvo',
      newValue: 'Saab',
      status: 'pending',
      decidedBy: null,
    });
    expect((await user.as.get('/api/v1/me')).body.directoryFields[0]).toBe('Volvo');
    const mine = await user.as.get('/api/v1/me/directory-fields');
    expect(mine.body[0]).toMatchObject({ field: 1, value: 'Volvo', editable: true, pending: { id: req.body.id, value: 'Saab' } });
    const pending = await org.provider.get(modUrl(org, '?status=pending'));
    expect(pending.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(pending.body.items[0]).toMatchObject({ id: req.body.id, user: { id: user.id, username: user.username } });
    const approved = await org.provider.post(modUrl(org, `/${req.body.id}/approve`));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedAt: new Date(api().clock.now()).toISOString() });
    expect(approved.body.decidedBy).toEqual(expect.any(String));
    expect((await user.as.get('/api/v1/me')).body.directoryFields).toEqual(['Saab', '', '', '', '', '']);
    expect((await org.provider.get(`/api/v1/organizations/${org.orgId}/users?q=saab`)).body.total).toBe(1);
    expect((await org.provider.get(modUrl(org, '?status=pending'))).body.total).toBe(0);
    expect((await org.provider.get(modUrl(org, '?status=approved'))).body.total).toBe(1);
    const actions = (await api().store.audit.list(org.orgId, { limit: 20, offset: 0 })).items.map((a) => [a.action, a.actor_id]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['directory.request', user.id],
        ['directory.approve', expect.any(String)],
      ]),
    );
  });

  it('rejects a change without touching the value, and refuses deciding twice', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org, { directoryFields: ['', '', '', 'Team A', '', ''] });
    const req = await user.as.put('/api/v1/me/directory-fields/4', { value: 'Team B' });
    const rejected = await org.provider.post(modUrl(org, `/${req.body.id}/reject`));
    expect(rejected.body.status).toBe('rejected');
    expect((await user.as.get('/api/v1/me')).body.directoryFields[3]).toBe('Team A');
    for (const action of ['approve', 'reject']) {
      const again = await org.provider.post(modUrl(org, `/${req.body.id}/${action}`));
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
    }
    expect((await user.as.get('/api/v1/me')).body.directoryFields[3]).toBe('Team A');
    expect((await org.provider.post(modUrl(org, '/00000000-0000-4000-8000-000000000000/approve'))).status).toBe(404);
  });

  it('replaces a still-pending request for the same field with the newer one', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    const first = await user.as.put('/api/v1/me/directory-fields/2', { value: 'Dansk' });
    const second = await user.as.put('/api/v1/me/directory-fields/2', { value: 'Dansk, Engelsk' });
    const pending = await org.provider.get(modUrl(org, '?status=pending'));
    expect(pending.body.items.map((r: { id: string; newValue: string }) => [r.id, r.newValue])).toEqual([[second.body.id, 'Dansk, Engelsk']]);
    expect((await org.provider.post(modUrl(org, `/${first.body.id}/approve`))).status).toBe(404);
  });

  it('lets a group admin moderate only users in their groups, never their own change', async () => {
    const org = await createTestOrg(api());
    const sales = await api().store.groups.create(org.orgId, { name: 'Sales' });
    const admins = await api().store.groups.create(org.orgId, { name: 'Admins' });
    await api().store.groups.setAdministeredGroups(org.orgId, admins.id, [sales.id]);
    const admin = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins.id, sales.id] });
    const inside = await createTestUser(api(), org, { groupIds: [sales.id] });
    const outside = await createTestUser(api(), org);
    const inReq = await inside.as.put('/api/v1/me/directory-fields/3', { value: 'Java' });
    const outReq = await outside.as.put('/api/v1/me/directory-fields/3', { value: 'Cobol' });
    const ownReq = await admin.as.put('/api/v1/me/directory-fields/3', { value: 'Go' });
    const list = await admin.as.get(modUrl(org, '?status=pending'));
    expect(list.body.items.map((r: { id: string }) => r.id).sort()).toEqual([inReq.body.id, ownReq.body.id].sort());
    expect((await admin.as.post(modUrl(org, `/${outReq.body.id}/approve`))).status).toBe(404);
    expect((await admin.as.post(modUrl(org, `/${ownReq.body.id}/approve`))).status).toBe(403);
    expect((await admin.as.post(modUrl(org, `/${inReq.body.id}/approve`))).status).toBe(200);
    expect((await inside.as.get('/api/v1/me')).body.directoryFields[2]).toBe('Java');
    expect((await inside.as.get(modUrl(org))).status).toBe(403);
    expect((await inside.as.post(modUrl(org, `/${outReq.body.id}/approve`))).status).toBe(403);
    expect((await admin.as.put(fieldsUrl(org), { names: ['a', 'b', 'c', 'd', 'e', 'f'] })).status).toBe(403);
  });

  it('applies an admin’s edit of a user’s fields directly, without moderation', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    const res = await org.provider.patch(`/api/v1/organizations/${org.orgId}/users/${user.id}`, { directoryFields: ['Tesla', '', '', '', '', ''] });
    expect(res.status).toBe(200);
    expect(res.body.directoryFields[0]).toBe('Tesla');
    expect((await org.provider.get(modUrl(org))).body.total).toBe(0);
  });

  it('refuses a field the organization does not let users edit, and bad field numbers', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    await api().store.settings.put(org.orgId, 'organization', org.orgId, 'directory.editable_fields', ['1', '2']);
    const locked = await user.as.put('/api/v1/me/directory-fields/5', { value: 'x' });
    expect(locked.status).toBe(403);
    expect(locked.body.error.field).toBe('field');
    expect((await user.as.get('/api/v1/me/directory-fields')).body.map((f: { editable: boolean }) => f.editable)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect((await user.as.put('/api/v1/me/directory-fields/7', { value: 'x' })).body.error.field).toBe('field');
    expect((await user.as.put('/api/v1/me/directory-fields/abc', { value: 'x' })).body.error.field).toBe('field');
    expect((await user.as.put('/api/v1/me/directory-fields/1', { value: 'x'.repeat(201) })).body.error.field).toBe('value');
    expect((await user.as.put('/api/v1/me/directory-fields/1', { value: 'nul\u0000byte' })).body.error).toMatchObject({
      code: 'validation_failed',
      field: 'value',
    });
    expect((await user.as.put('/api/v1/me/directory-fields/1', { value: 'x', extra: 1 })).body.error).toMatchObject({ code: 'unknown_field', field: 'extra' });
    expect((await org.provider.get(modUrl(org))).body.total).toBe(0);
  });
});
