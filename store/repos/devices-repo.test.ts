import { expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeEachEngine, uniqueSuffix } from '../test-engines.ts';
import { uniqueViolation } from './executor.ts';
import { sipHa1 } from './sip-ha1.ts';

async function orgWithUser(store: Store) {
  const s = uniqueSuffix();
  const org = await store.organizations.create({ name: `Org ${s}`, slug: `org-${s}`, timeZone: 'UTC', defaultLanguage: 'en', sipDomain: `org-${s}.test` });
  const user = await store.users.create(org.id, {
    username: `u-${s}@example.test`,
    firstName: 'U',
    lastName: 'Ser',
    language: 'en',
    license: 'standard',
    role: 'user',
    allowedApps: [],
    directoryFields: ['', '', '', '', '', ''],
  });
  return { orgId: org.id, userId: user.id, s };
}

/** A MAC nobody else in the installation uses. */
function freshMac(): string {
  return `0004${Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0')}`;
}

describeEachEngine('devices repository', (get) => {
  it('creates every kind of device and reads it back within the organization only', async () => {
    const { store } = get();
    const a = await orgWithUser(store);
    const b = await orgWithUser(store);
    const soft = await store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId, enabled: true });
    const mobile = await store.devices.create(a.orgId, {
      kind: 'mobile',
      userId: a.userId,
      number: '+4520123456',
      mobileClientLicense: true,
      mobileProfile: 'Standard',
      mobileVoipAllowed: true,
    });
    const desk = await store.devices.create(a.orgId, { kind: 'desk_phone', mac: freshMac(), model: 'Snom D785', description: 'Reception', hotDesk: true });
    const sip = await store.devices.create(a.orgId, {
      kind: 'sip_account',
      userId: a.userId,
      sipUsername: `fax-${a.s}`,
      sipPassword: 'secret-secret',
      shownAs: 'analog',
    });
    expect(mobile).toMatchObject({ invitation_state: 'not_invited', number: '+4520123456', mobile_voip_allowed: true });
    expect(desk).toMatchObject({ user_id: null, hot_desk: true, description: 'Reception' });
    const domain = (await store.organizations.get(a.orgId))!.sip_domain;
    expect(sip).toMatchObject({
      sip_ha1_md5: sipHa1(`fax-${a.s}`, domain, 'secret-secret').md5,
      sip_ha1_sha256: sipHa1(`fax-${a.s}`, domain, 'secret-secret').sha256,
    });
    expect(JSON.stringify(sip)).not.toContain('secret-secret');
    expect((await store.devices.ofUser(a.orgId, a.userId)).map((d) => d.id).sort()).toEqual([soft.id, mobile.id, sip.id].sort());
    expect(await store.devices.get(b.orgId, desk.id)).toBeUndefined();
    expect(await store.devices.update(b.orgId, desk.id, { description: 'x' })).toBeUndefined();
    expect(await store.devices.delete(b.orgId, desk.id)).toBe(false);
    expect((await store.devices.list(b.orgId, { limit: 50, offset: 0 })).total).toBe(0);
    expect(await store.devices.findMobileByNumber(a.orgId, '+4520123456')).toMatchObject({ id: mobile.id });
    expect(await store.devices.findMobileByNumber(b.orgId, '+4520123456')).toBeUndefined();
  });

  it('keeps one softphone and one SIP account per user, SIP usernames unique in the organization and MACs in the installation', async () => {
    const { store } = get();
    const a = await orgWithUser(store);
    const b = await orgWithUser(store);
    await store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId });
    const twice = await store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId }).catch((e: unknown) => e);
    expect(uniqueViolation(twice)).toContain('devices_one_softphone');
    await store.devices.create(a.orgId, { kind: 'sip_account', userId: a.userId, sipUsername: `sip-${a.s}`, shownAs: 'desk_phone' });
    const second = await store.devices
      .create(a.orgId, { kind: 'sip_account', userId: a.userId, sipUsername: `sip2-${a.s}`, shownAs: 'desk_phone' })
      .catch((e: unknown) => e);
    expect(uniqueViolation(second)).toContain('devices_one_sip_account');
    const sameName = await store.devices.create(a.orgId, { kind: 'desk_phone', mac: freshMac(), sipUsername: `sip-${a.s}` }).catch((e: unknown) => e);
    expect(uniqueViolation(sameName)).toContain('sip_username');
    const otherOrg = await store.devices.create(b.orgId, { kind: 'sip_account', userId: b.userId, sipUsername: `sip-${a.s}`, shownAs: 'analog' });
    expect(otherOrg.sip_username).toBe(`sip-${a.s}`);
    const mac = freshMac();
    await store.devices.create(a.orgId, { kind: 'desk_phone', mac, model: 'Snom D735' });
    const sameMac = await store.devices.create(b.orgId, { kind: 'desk_phone', mac, model: 'Snom D735' }).catch((e: unknown) => e);
    expect(uniqueViolation(sameMac)).toContain('mac');
  });

  it('filters by kind and user, searches MAC with separators, number, model and description, and pages', async () => {
    const { store } = get();
    const a = await orgWithUser(store);
    const mac = freshMac();
    await store.devices.create(a.orgId, { kind: 'desk_phone', mac, model: 'Mitel 6867i', description: 'Lager øst', userId: a.userId });
    await store.devices.create(a.orgId, { kind: 'desk_phone', mac: freshMac(), model: 'Snom D717', description: 'Kantine' });
    await store.devices.create(a.orgId, { kind: 'mobile', userId: a.userId, number: '+4520998877' });
    const all = { limit: 50, offset: 0 };
    expect((await store.devices.list(a.orgId, { ...all, kind: 'desk_phone' })).total).toBe(2);
    expect((await store.devices.list(a.orgId, { ...all, userId: a.userId })).total).toBe(2);
    const colons = mac.match(/../g)!.join(':').toUpperCase();
    expect((await store.devices.list(a.orgId, { ...all, q: colons })).items.map((d) => d.mac)).toEqual([mac]);
    expect((await store.devices.list(a.orgId, { ...all, q: '+45 20 99' })).total).toBe(1);
    expect((await store.devices.list(a.orgId, { ...all, q: '6867' })).total).toBe(1);
    expect((await store.devices.list(a.orgId, { ...all, q: 'ØST' })).total).toBe(1);
    expect((await store.devices.list(a.orgId, { ...all, q: '100%' })).total).toBe(0);
    const paged = await store.devices.list(a.orgId, { limit: 1, offset: 1, sort: 'description', order: 'asc' });
    expect(paged.total).toBe(3);
    expect(paged.items[0]?.description).toBe('Kantine');
  });

  it('restricts a group scope to devices of members, leaving unassigned phones out', async () => {
    const { store } = get();
    const a = await orgWithUser(store);
    const group = await store.groups.create(a.orgId, { name: 'Sales' });
    const other = await store.groups.create(a.orgId, { name: 'Support' });
    await store.groups.setUserGroups(a.orgId, a.userId, [group.id]);
    await store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId });
    await store.devices.create(a.orgId, { kind: 'desk_phone', mac: freshMac(), model: 'Snom D785' });
    const all = { limit: 50, offset: 0 };
    expect((await store.devices.list(a.orgId, { ...all, withinGroups: [group.id] })).total).toBe(1);
    expect((await store.devices.list(a.orgId, { ...all, withinGroups: [other.id] })).total).toBe(0);
    expect((await store.devices.list(a.orgId, { ...all, withinGroups: [] })).total).toBe(0);
    expect((await store.devices.list(a.orgId, all)).total).toBe(2);
  });

  it('marks mobiles invited but leaves one already in use alone', async () => {
    const { store, connection } = get();
    const a = await orgWithUser(store);
    const m1 = await store.devices.create(a.orgId, { kind: 'mobile', userId: a.userId, number: '+4520000001' });
    const m2 = await store.devices.create(a.orgId, { kind: 'mobile', userId: a.userId, number: '+4520000002' });
    const soft = await store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId });
    const since = new Date('2026-01-01T08:00:00Z');
    await connection.db.updateTable('devices').set({ invitation_state: 'in_use', in_use_since: since }).where('id', '=', m2.id).execute();
    const at = new Date('2026-02-03T10:00:00Z');
    expect(await store.devices.markInvited(a.orgId, [m1.id, m2.id, soft.id], at)).toBe(1);
    expect(await store.devices.get(a.orgId, m1.id)).toMatchObject({ invitation_state: 'invited', invited_at: at });
    expect(await store.devices.get(a.orgId, m2.id)).toMatchObject({ invitation_state: 'in_use', in_use_since: since });
    const b = await orgWithUser(store);
    expect(await store.devices.markInvited(b.orgId, [m1.id], at)).toBe(0);
    expect((await store.devices.getMany(a.orgId, [m1.id, soft.id])).length).toBe(2);
    expect(await store.devices.getMany(b.orgId, [m1.id])).toEqual([]);
  });

  it('makes new digests with a new password, drops them with a new username alone or a null password, and counts devices with credentials', async () => {
    const { store } = get();
    const a = await orgWithUser(store);
    const domain = (await store.organizations.get(a.orgId))!.sip_domain;
    const desk = await store.devices.create(a.orgId, { kind: 'desk_phone', mac: freshMac(), sipUsername: `desk-${a.s}`, sipPassword: 'Desk-password-1' });
    const soft = await store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId });
    expect(desk.sip_ha1_md5).toBe(sipHa1(`desk-${a.s}`, domain, 'Desk-password-1').md5);
    expect(await store.devices.countWithSipCredentials(a.orgId)).toBe(1);
    const renamed = await store.devices.update(a.orgId, desk.id, { sipUsername: `desk2-${a.s}`, sipPassword: 'Desk-password-2' });
    expect(renamed).toMatchObject({ sip_ha1_sha256: sipHa1(`desk2-${a.s}`, domain, 'Desk-password-2').sha256 });
    const repassword = await store.devices.update(a.orgId, desk.id, { sipPassword: 'Desk-password-3' });
    expect(repassword?.sip_ha1_md5).toBe(sipHa1(`desk2-${a.s}`, domain, 'Desk-password-3').md5);
    expect((await store.devices.update(a.orgId, desk.id, { description: 'x' }))?.sip_ha1_md5).toBe(repassword?.sip_ha1_md5);
    expect((await store.devices.update(a.orgId, desk.id, { sipUsername: `desk2-${a.s}` }))?.sip_ha1_md5).toBe(repassword?.sip_ha1_md5);
    const stale = await store.devices.update(a.orgId, desk.id, { sipUsername: `desk3-${a.s}` });
    expect(stale).toMatchObject({ sip_username: `desk3-${a.s}`, sip_ha1_md5: null, sip_ha1_sha256: null });
    await store.devices.update(a.orgId, soft.id, { sipUsername: `soft-${a.s}`, sipPassword: 'Soft-password-1' });
    expect(await store.devices.countWithSipCredentials(a.orgId)).toBe(1);
    const cleared = await store.devices.update(a.orgId, soft.id, { sipPassword: null });
    expect(cleared).toMatchObject({ sip_username: `soft-${a.s}`, sip_ha1_md5: null });
    expect(await store.devices.countWithSipCredentials(a.orgId)).toBe(0);
    await expect(store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId, sipPassword: 'No-username-1' })).rejects.toThrow(/username/);
  });

  it('keeps desk phones but drops personal devices when their user is deleted', async () => {
    const { store } = get();
    const a = await orgWithUser(store);
    const desk = await store.devices.create(a.orgId, { kind: 'desk_phone', mac: freshMac(), model: 'Snom D785', userId: a.userId });
    await store.devices.create(a.orgId, { kind: 'softphone', userId: a.userId });
    await store.users.delete(a.orgId, a.userId);
    const left = await store.devices.list(a.orgId, { limit: 50, offset: 0 });
    expect(left.items.map((d) => [d.id, d.user_id])).toEqual([[desk.id, null]]);
  });
});
