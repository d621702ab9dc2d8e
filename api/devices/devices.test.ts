import { describe, expect, it } from 'vitest';
import { sipHa1 } from '../../store/repos/sip-ha1.ts';
import { createTestOrg, createTestUser, useTestApi, type TestApi, type TestOrg } from '../test-app.ts';

/** An admin group administering Sales, a group admin in it, and a user inside and outside Sales. */
async function withGroupAdmin(api: TestApi, org: TestOrg) {
  const sales = await api.store.groups.create(org.orgId, { name: 'Sales' });
  const support = await api.store.groups.create(org.orgId, { name: 'Support' });
  const admins = await api.store.groups.create(org.orgId, { name: 'Sales admins' });
  await api.store.groups.setAdministeredGroups(org.orgId, admins.id, [sales.id]);
  const admin = await createTestUser(api, org, { role: 'group_admin', groupIds: [admins.id] });
  const inside = await createTestUser(api, org, { groupIds: [sales.id] });
  const outside = await createTestUser(api, org, { groupIds: [support.id] });
  return { admin, inside, outside };
}

describe('devices API', () => {
  const api = useTestApi();
  const url = (org: TestOrg, rest = '') => `/api/v1/organizations/${org.orgId}/devices${rest}`;

  it('shows a desk phone as registered while the registrar holds an unexpired binding for it', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const desk = await org.provider.post(url(org), { kind: 'desk_phone', mac: '000413aabb77', model: 'Snom D785', userId: u.id });
    expect(desk.body.registered).toBe(false);
    const binding = {
      orgId: org.orgId,
      deviceId: desk.body.id as string,
      aor: 'sip:desk@x.test',
      contact: 'sip:desk@192.0.2.7:5060',
      instanceId: null,
      regId: null,
      callId: 'c',
      cseq: 1,
      q: null,
      receivedTransport: 'udp',
      receivedAddress: '192.0.2.7',
      receivedPort: 5060,
      userAgent: 'snom',
      path: [],
    };
    await api().store.registrations.upsertMany([{ ...binding, expiresAt: new Date(Date.now() + 60_000) }]);
    expect((await org.provider.get(url(org, `/${desk.body.id}`))).body.registered).toBe(true);
    const list = await org.provider.get(url(org, '?kind=desk_phone'));
    expect(list.body.items.find((d: { id: string }) => d.id === desk.body.id).registered).toBe(true);
    await api().store.registrations.upsertMany([{ ...binding, expiresAt: new Date(Date.now() - 1000) }]);
    expect((await org.provider.get(url(org, `/${desk.body.id}`))).body.registered).toBe(false);
  });

  it('creates a softphone, a mobile, a desk phone and a SIP account and lists them with their user', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { firstName: 'Søren', lastName: 'Ærø' });
    const soft = await org.provider.post(url(org), { kind: 'softphone', userId: u.id, enabled: true });
    expect(soft.status).toBe(201);
    expect(soft.body).toMatchObject({ kind: 'softphone', userId: u.id, enabled: true, user: { id: u.id, username: u.username, name: 'Søren Ærø' } });
    const mobile = await org.provider.post(url(org), { kind: 'mobile', userId: u.id, number: '+45 20 12 34 56', mobileClientLicense: true });
    expect(mobile.status).toBe(201);
    expect(mobile.body).toMatchObject({
      number: '+4520123456',
      mobileClientLicense: true,
      mobileProfile: 'Standard',
      mobileVoipAllowed: true,
      invitation: { state: 'not_invited', invitedAt: null, inUseSince: null },
    });
    const desk = await org.provider.post(url(org), {
      kind: 'desk_phone',
      mac: '00-04-13-AA-BB-01',
      model: 'snom d785',
      firmware: '10.1.159.12',
      description: 'Reception',
      userId: u.id,
    });
    expect(desk.status).toBe(201);
    expect(desk.body).toMatchObject({ mac: '000413aabb01', model: 'Snom D785', state: 'user_assigned', registered: false, lastSeenIp: null, hotDesk: false });
    const sip = await org.provider.post(url(org), {
      kind: 'sip_account',
      userId: u.id,
      sipUsername: 'Fax-1',
      sipPassword: 'A-strong-one-2026',
      shownAs: 'analog',
    });
    expect(sip.status).toBe(201);
    expect(sip.body).toMatchObject({ sipUsername: 'fax-1', shownAs: 'analog', hasPassword: true });
    expect(sip.body).not.toHaveProperty('sipPassword');
    const list = await org.provider.get(url(org));
    expect(list.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect((await org.provider.get(url(org, '?kind=desk_phone'))).body.items.map((d: { id: string }) => d.id)).toEqual([desk.body.id]);
    expect((await org.provider.get(url(org, `?userId=${u.id}`))).body.total).toBe(4);
    const ofUser = await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${u.id}/devices`);
    expect(ofUser.body.total).toBe(4);
  });

  it('derives the desk-phone state from hot desk and line key 1', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const mk = (mac: string, extra: Record<string, unknown>) => org.provider.post(url(org), { kind: 'desk_phone', mac, model: 'Mitel 6867i', ...extra });
    expect((await mk('000413000001', {})).body.state).toBe('not_provisioned');
    expect((await mk('000413000002', { userId: u.id })).body.state).toBe('user_assigned');
    expect((await mk('000413000003', { hotDesk: true })).body.state).toBe('hot_desk_free');
    const occupied = await mk('000413000004', { hotDesk: true, userId: u.id });
    expect(occupied.body.state).toBe('hot_desk_occupied');
    const freed = await org.provider.patch(url(org, `/${occupied.body.id}`), { userId: null });
    expect(freed.body.state).toBe('hot_desk_free');
  });

  it('normalises MAC spellings and refuses a MAC already used anywhere in the installation', async () => {
    const org = await createTestOrg(api());
    const other = await createTestOrg(api());
    const first = await org.provider.post(url(org), { kind: 'desk_phone', mac: '00:04:13:aa:bb:cc', model: 'Snom D735' });
    expect(first.body.mac).toBe('000413aabbcc');
    for (const mac of ['00-04-13-AA-BB-CC', '000413aabbcc']) {
      const again = await org.provider.post(url(org), { kind: 'desk_phone', mac, model: 'Snom D735' });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'duplicate', field: 'mac' });
    }
    const elsewhere = await other.provider.post(url(other), { kind: 'desk_phone', mac: '000413AABBCC', model: 'Snom D735' });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.field).toBe('mac');
    const bad = await org.provider.post(url(org), { kind: 'desk_phone', mac: '00:04:13:aa:bb', model: 'Snom D735' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'mac' });
    expect((await org.provider.get(url(org))).body.total).toBe(1);
    expect((await org.provider.get(url(org, '?q=00:04:13:AA'))).body.total).toBe(1);
  });

  it('validates each kind and names the field', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const cases: [Record<string, unknown>, string, number][] = [
      [{ kind: 'fax', userId: u.id }, 'kind', 400],
      [{ userId: u.id }, 'kind', 400],
      [{ kind: 'softphone' }, 'userId', 400],
      [{ kind: 'softphone', userId: 'not-a-uuid' }, 'userId', 400],
      [{ kind: 'softphone', userId: u.id, mac: '000413aabbcc' }, 'mac', 400],
      [{ kind: 'mobile', userId: u.id, number: 'call me' }, 'number', 400],
      [{ kind: 'mobile', userId: u.id, number: '20123456' }, 'number', 400],
      [{ kind: 'desk_phone', mac: '000413aabbcc', model: 'Polycom VVX 411' }, 'model', 400],
      [{ kind: 'desk_phone', mac: '000413aabbcc', model: 'Snom D785', description: 'x'.repeat(201) }, 'description', 400],
      [{ kind: 'sip_account', userId: u.id, sipUsername: 'fax', sipPassword: 'short', shownAs: 'analog' }, 'sipPassword', 400],
      [{ kind: 'sip_account', userId: u.id, sipUsername: 'fax user', shownAs: 'analog' }, 'sipUsername', 400],
      [{ kind: 'sip_account', userId: u.id, sipUsername: 'fax', shownAs: 'fax' }, 'shownAs', 400],
      [{ kind: 'softphone', userId: '00000000-0000-4000-8000-000000000000' }, 'userId', 400],
    ];
    for (const [body, field, status] of cases) {
      const res = await org.provider.post(url(org), body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect((await org.provider.get(url(org))).body.total).toBe(0);
  });

  it('refuses a user of another organization as owner', async () => {
    const org = await createTestOrg(api());
    const other = await createTestOrg(api());
    const stranger = await createTestUser(api(), other);
    const res = await org.provider.post(url(org), { kind: 'softphone', userId: stranger.id });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'userId' });
  });

  it('gives a user one softphone and one SIP account, and keeps SIP usernames unique', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const v = await createTestUser(api(), org);
    expect((await org.provider.post(url(org), { kind: 'softphone', userId: u.id })).status).toBe(201);
    const second = await org.provider.post(url(org), { kind: 'softphone', userId: u.id, enabled: false });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'duplicate', field: 'userId' });
    const sipName = `fax-${org.orgId.slice(0, 8)}`;
    expect((await org.provider.post(url(org), { kind: 'sip_account', userId: u.id, sipUsername: sipName, shownAs: 'analog' })).status).toBe(201);
    const secondSip = await org.provider.post(url(org), { kind: 'sip_account', userId: u.id, sipUsername: `${sipName}-2`, shownAs: 'analog' });
    expect(secondSip.body.error).toMatchObject({ code: 'duplicate', field: 'userId' });
    const sameName = await org.provider.post(url(org), { kind: 'sip_account', userId: v.id, sipUsername: sipName.toUpperCase(), shownAs: 'desk_phone' });
    expect(sameName.status).toBe(409);
    expect(sameName.body.error).toMatchObject({ code: 'duplicate', field: 'sipUsername' });
    expect((await org.provider.get(url(org))).body.total).toBe(2);
  });

  it('generates a SIP password, shows it once on create and never again', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const res = await org.provider.post(url(org), { kind: 'sip_account', userId: u.id, sipUsername: `sip-${org.orgId.slice(0, 8)}`, shownAs: 'desk_phone' });
    expect(res.status).toBe(201);
    expect(res.body.sipPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(res.body.hasPassword).toBe(true);
    const domain = (await api().store.organizations.get(org.orgId))!.sip_domain;
    const stored = await api().store.devices.get(org.orgId, res.body.id);
    expect(stored?.sip_ha1_md5).toBe(sipHa1(res.body.sipUsername, domain, res.body.sipPassword).md5);
    expect(JSON.stringify(stored)).not.toContain(res.body.sipPassword);
    const reads = [
      await org.provider.get(url(org, `/${res.body.id}`)),
      await org.provider.get(url(org)),
      await org.provider.get(`/api/v1/organizations/${org.orgId}/users/${u.id}/devices`),
      await u.as.get('/api/v1/me/devices'),
      await org.provider.patch(url(org, `/${res.body.id}`), { sipPassword: 'Another-strong-2026' }),
      { body: await api().store.audit.list(org.orgId, { limit: 100, offset: 0 }) },
    ];
    for (const r of reads) {
      expect(JSON.stringify(r.body)).not.toContain(res.body.sipPassword);
      expect(JSON.stringify(r.body)).not.toContain('Another-strong-2026');
    }
    expect((await api().store.devices.get(org.orgId, res.body.id))?.sip_ha1_sha256).toBe(sipHa1(res.body.sipUsername, domain, 'Another-strong-2026').sha256);
  });

  it('gives desk phones and softphones their own SIP credentials, generated once when only a username is given', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const domain = (await api().store.organizations.get(org.orgId))!.sip_domain;
    const desk = await org.provider.post(url(org), {
      kind: 'desk_phone',
      mac: '000413ee0001',
      model: 'Snom D785',
      sipUsername: 'Reception.1',
      sipPassword: 'Reception-2026',
    });
    expect(desk.status).toBe(201);
    expect(desk.body).toMatchObject({ sipUsername: 'reception.1', hasPassword: true });
    expect(desk.body).not.toHaveProperty('sipPassword');
    expect((await api().store.devices.get(org.orgId, desk.body.id))?.sip_ha1_md5).toBe(sipHa1('reception.1', domain, 'Reception-2026').md5);
    const soft = await org.provider.post(url(org), { kind: 'softphone', userId: u.id, sipUsername: 'soft_1' });
    expect(soft.status).toBe(201);
    expect(soft.body).toMatchObject({
      sipUsername: 'soft_1',
      hasPassword: true,
      sipPassword: expect.stringMatching(/^(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9_-]{24}$/),
    });
    const plain = await org.provider.post(url(org), { kind: 'desk_phone', mac: '000413ee0002', model: 'Snom D785' });
    expect(plain.body).toMatchObject({ sipUsername: null, hasPassword: false });
    expect((await org.provider.get(url(org, `/${soft.body.id}`))).body).not.toHaveProperty('sipPassword');

    const renamed = await org.provider.patch(url(org, `/${desk.body.id}`), { sipUsername: 'reception-2', sipPassword: 'Reception-2027' });
    expect(renamed.body).toMatchObject({ sipUsername: 'reception-2', hasPassword: true });
    expect((await api().store.devices.get(org.orgId, desk.body.id))?.sip_ha1_sha256).toBe(sipHa1('reception-2', domain, 'Reception-2027').sha256);
    const added = await org.provider.patch(url(org, `/${plain.body.id}`), { sipUsername: 'desk-3', sipPassword: 'Desk-three-2026' });
    expect(added.body).toMatchObject({ sipUsername: 'desk-3', hasPassword: true });
    const removed = await org.provider.patch(url(org, `/${soft.body.id}`), { sipUsername: null });
    expect(removed.body).toMatchObject({ sipUsername: null, hasPassword: false });
    const sameName = await org.provider.post(url(org), { kind: 'desk_phone', mac: '000413ee0003', model: 'Snom D785', sipUsername: 'DESK-3' });
    expect(sameName.status).toBe(409);
    expect(sameName.body.error).toMatchObject({ code: 'duplicate', field: 'sipUsername' });
    const other = await createTestOrg(api());
    const elsewhere = await other.provider.post(`/api/v1/organizations/${other.orgId}/devices`, {
      kind: 'desk_phone',
      mac: '000413ee0004',
      model: 'Snom D785',
      sipUsername: 'desk-3',
    });
    expect(elsewhere.status).toBe(201);
    const audit = JSON.stringify(await api().store.audit.list(org.orgId, { limit: 100, offset: 0 }));
    for (const secret of ['Reception-2026', 'Reception-2027', 'Desk-three-2026', soft.body.sipPassword as string]) expect(audit).not.toContain(secret);
  });

  it('refuses SIP credentials that do not fit together and names the field', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'desk_phone', mac: '000413ef0001', model: 'Snom D785', sipPassword: 'Lonely-pass-2026' }, 'sipUsername'],
      [{ kind: 'softphone', userId: u.id, sipUsername: 'x'.repeat(65) }, 'sipUsername'],
      [{ kind: 'softphone', userId: u.id, sipUsername: 'ab@c' }, 'sipUsername'],
      [{ kind: 'softphone', userId: u.id, sipUsername: '' }, 'sipUsername'],
      [{ kind: 'softphone', userId: u.id, sipUsername: 'soft', sipPassword: 'onlyletterslong' }, 'sipPassword'],
      [{ kind: 'softphone', userId: u.id, sipUsername: 'soft', sipPassword: '123456789012345' }, 'sipPassword'],
      [{ kind: 'sip_account', userId: u.id, shownAs: 'analog' }, 'sipUsername'],
      [{ kind: 'mobile', userId: u.id, number: '+4520000301', sipUsername: 'mob' }, 'sipUsername'],
    ];
    for (const [body, field] of cases) {
      const res = await org.provider.post(url(org), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    const desk = await org.provider.post(url(org), {
      kind: 'desk_phone',
      mac: '000413ef0002',
      model: 'Snom D785',
      sipUsername: 'desk-a',
      sipPassword: 'Desk-a-pass-2026',
    });
    const bare = await org.provider.post(url(org), { kind: 'desk_phone', mac: '000413ef0003', model: 'Snom D785' });
    const fax = await org.provider.post(url(org), { kind: 'sip_account', userId: u.id, sipUsername: 'fax-a', shownAs: 'analog' });
    const patches: [string, Record<string, unknown>, string][] = [
      [desk.body.id, { sipUsername: 'desk-b' }, 'sipPassword'],
      [desk.body.id, { sipUsername: null, sipPassword: 'Desk-b-pass-2026' }, 'sipPassword'],
      [bare.body.id, { sipPassword: 'Desk-b-pass-2026' }, 'sipUsername'],
      [bare.body.id, { sipUsername: 'desk-c' }, 'sipPassword'],
      [fax.body.id, { sipUsername: null }, 'sipUsername'],
      [fax.body.id, { sipUsername: 'fax-b' }, 'sipPassword'],
    ];
    for (const [id, body, field] of patches) {
      const res = await org.provider.patch(url(org, `/${id}`), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect((await org.provider.get(url(org, `/${desk.body.id}`))).body).toMatchObject({ sipUsername: 'desk-a', hasPassword: true });
  });

  it('changes only the fields of the device kind and reads, updates and deletes it', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const desk = await org.provider.post(url(org), { kind: 'desk_phone', mac: '000413cc0001', model: 'Snom D717' });
    const id = desk.body.id as string;
    const changed = await org.provider.patch(url(org, `/${id}`), {
      description: 'Lager øst',
      model: 'D865',
      userId: u.id,
      hotDesk: true,
      firmware: '10.1.170',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ description: 'Lager øst', model: 'Snom D865', userId: u.id, state: 'hot_desk_occupied', firmware: '10.1.170' });
    const wrongField = await org.provider.patch(url(org, `/${id}`), { enabled: false });
    expect(wrongField.body.error).toMatchObject({ code: 'validation_failed', field: 'enabled' });
    const wrongKind = await org.provider.patch(url(org, `/${id}`), { kind: 'softphone' });
    expect(wrongKind.body.error.field).toBe('kind');
    const unknown = await org.provider.patch(url(org, `/${id}`), { colour: 'red' });
    expect(unknown.body.error).toMatchObject({ code: 'unknown_field', field: 'colour' });
    const soft = await org.provider.post(url(org), { kind: 'softphone', userId: u.id });
    const orphan = await org.provider.patch(url(org, `/${soft.body.id}`), { userId: null });
    expect(orphan.body.error.field).toBe('userId');
    expect((await org.provider.get(url(org, `/${id}`))).body.description).toBe('Lager øst');
    expect((await org.provider.delete(url(org, `/${id}`))).status).toBe(204);
    expect((await org.provider.get(url(org, `/${id}`))).status).toBe(404);
    const audit = await api().store.audit.list(org.orgId, { limit: 100, offset: 0, resourceId: id });
    expect(audit.items.map((a) => a.action).sort()).toEqual(['device.create', 'device.delete', 'device.update']);
  });

  it('marks selected mobiles invited at the current time and reports each state', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const m1 = await org.provider.post(url(org), { kind: 'mobile', userId: u.id, number: '+4520000101' });
    const m2 = await org.provider.post(url(org), { kind: 'mobile', userId: u.id, number: '+4520000102' });
    const soft = await org.provider.post(url(org), { kind: 'softphone', userId: u.id });
    const notMobile = await org.provider.post(url(org, '/invitations'), { deviceIds: [m1.body.id, soft.body.id] });
    expect(notMobile.status).toBe(400);
    expect(notMobile.body.error.field).toBe('deviceIds.1');
    expect((await org.provider.get(url(org, `/${m1.body.id}`))).body.invitation.state).toBe('not_invited');
    const now = new Date(api().clock.now()).toISOString();
    const res = await org.provider.post(url(org, '/invitations'), { deviceIds: [m1.body.id, m2.body.id] });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { deviceId: m1.body.id, userId: u.id, number: '+4520000101', invitation: { state: 'invited', invitedAt: now, inUseSince: null } },
      { deviceId: m2.body.id, userId: u.id, number: '+4520000102', invitation: { state: 'invited', invitedAt: now, inUseSince: null } },
    ]);
    api().clock.advance(60_000);
    const again = await org.provider.post(url(org, '/invitations'), { deviceIds: [m1.body.id] });
    expect(again.body.items[0].invitation.invitedAt).toBe(new Date(api().clock.now()).toISOString());
    const dup = await org.provider.post(url(org), { kind: 'mobile', userId: u.id, number: '+45 20 00 01 01' });
    expect(dup.body.error).toMatchObject({ code: 'duplicate', field: 'number' });
  });

  it('lets a group admin see and manage only devices of users in their groups', async () => {
    const org = await createTestOrg(api());
    const { admin, inside, outside } = await withGroupAdmin(api(), org);
    const insideSoft = await org.provider.post(url(org), { kind: 'softphone', userId: inside.id });
    const outsideSoft = await org.provider.post(url(org), { kind: 'softphone', userId: outside.id });
    const unassigned = await org.provider.post(url(org), { kind: 'desk_phone', mac: '000413dd0001', model: 'Snom D785' });
    const list = await admin.as.get(url(org));
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([insideSoft.body.id]);
    expect((await admin.as.get(url(org, `/${outsideSoft.body.id}`))).status).toBe(404);
    expect((await admin.as.get(url(org, `/${unassigned.body.id}`))).status).toBe(404);
    expect((await admin.as.delete(url(org, `/${outsideSoft.body.id}`))).status).toBe(404);
    expect((await admin.as.get(`/api/v1/organizations/${org.orgId}/users/${outside.id}/devices`)).status).toBe(404);
    const foreign = await admin.as.post(url(org), { kind: 'mobile', userId: outside.id, number: '+4520000201' });
    expect(foreign.body.error).toMatchObject({ code: 'validation_failed', field: 'userId' });
    const noUser = await admin.as.post(url(org), { kind: 'desk_phone', mac: '000413dd0002', model: 'Snom D785' });
    expect(noUser.status).toBe(403);
    const own = await admin.as.post(url(org), { kind: 'desk_phone', mac: '000413dd0003', model: 'Snom D785', userId: inside.id });
    expect(own.status).toBe(201);
    const release = await admin.as.patch(url(org, `/${own.body.id}`), { userId: null });
    expect(release.status).toBe(403);
    const moveOut = await admin.as.patch(url(org, `/${own.body.id}`), { userId: outside.id });
    expect(moveOut.body.error.field).toBe('userId');
    expect((await admin.as.get(url(org, `/${own.body.id}`))).body.userId).toBe(inside.id);
  });

  it('does not let a standard user read anyone’s devices through the admin API, only their own through /me', async () => {
    const org = await createTestOrg(api());
    const me = await createTestUser(api(), org);
    const colleague = await createTestUser(api(), org);
    const theirs = await org.provider.post(url(org), { kind: 'softphone', userId: colleague.id });
    await org.provider.post(url(org), { kind: 'softphone', userId: me.id });
    expect((await me.as.get(`/api/v1/organizations/${org.orgId}/users/${colleague.id}/devices`)).status).toBe(403);
    expect((await me.as.get(url(org, `/${theirs.body.id}`))).status).toBe(403);
    expect((await me.as.get(url(org))).status).toBe(403);
    expect((await me.as.post(url(org), { kind: 'softphone', userId: colleague.id })).status).toBe(403);
    const mine = await me.as.get('/api/v1/me/devices');
    expect(mine.body.items.map((d: { userId: string }) => d.userId)).toEqual([me.id]);
    const other = await createTestOrg(api());
    expect((await other.provider.get(url(org, `/${theirs.body.id}`).replace(org.orgId, other.orgId))).status).toBe(404);
  });

  it('answers malformed bodies, queries and files with 4xx, never 500, and saves nothing', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const desk = await org.provider.post(url(org), { kind: 'desk_phone', mac: '000413ff0001', model: 'Snom D785' });
    const bodies: unknown[] = [
      null,
      [],
      'text',
      42,
      { kind: null },
      { kind: ['softphone'] },
      { kind: 'desk_phone', mac: 12, model: {} },
      { kind: 'mobile', userId: u.id, number: '+'.repeat(40) },
      { kind: 'sip_account', userId: u.id, sipUsername: 'ø'.repeat(70), shownAs: 'analog' },
      { kind: 'softphone', userId: u.id, enabled: 'yes' },
      { kind: 'desk_phone', mac: '\u0000'.repeat(5), model: 'Snom D785' },
      { kind: 'desk_phone', mac: '000413ff0005', model: 'Snom D785', description: 'a\u0000b' },
      { description: 'bell\u0007' },
    ];
    const send = (method: 'POST' | 'PATCH', target: string, payload: unknown) =>
      api().app.inject({
        method,
        url: target,
        headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    for (const body of bodies) {
      for (const [method, target] of [
        ['POST', url(org)],
        ['PATCH', url(org, `/${desk.body.id}`)],
        ['POST', url(org, '/invitations')],
      ] as const) {
        const res = await send(method, target, body);
        expect(res.statusCode, `${method} ${target} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${method} ${target} ${JSON.stringify(body)}`).toBeLessThan(500);
      }
    }
    for (const q of ['?limit=0', '?limit=abc', '?kind=fax', '?userId=x', '?sort=password', '?offset=-1']) {
      expect((await org.provider.get(url(org, q))).status, q).toBe(400);
    }
    expect((await org.provider.get(url(org, '/not-a-uuid'))).status).toBe(400);
    const files = [
      '',
      '\ufeff',
      ';;;\n;;;',
      'constructor;model\n000413ff0002;Snom D785',
      '"unterminated',
      'mac;model\n' + 'x;'.repeat(5000),
      '\u0000\u0001\u0002',
      'mac;model;mac\n000413ff0003;Snom D785;000413ff0004',
      'mac;model;description\n000413ff0006;Snom D785;a\u0000b',
    ];
    for (const csv of files) {
      const res = await api().app.inject({
        method: 'POST',
        url: url(org, '/desk-phones/import'),
        headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(res.statusCode, JSON.stringify(csv)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(csv)).toBeLessThan(500);
    }
    const all = await org.provider.get(url(org));
    expect(all.body.items.map((d: { id: string }) => d.id)).toEqual([desk.body.id]);
    expect((await org.provider.get(url(org, `/${desk.body.id}`))).body).toMatchObject({ mac: '000413ff0001', model: 'Snom D785', description: '' });
  });
});
