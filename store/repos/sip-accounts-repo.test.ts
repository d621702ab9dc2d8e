import { expect, it } from 'vitest';
import { describeEachEngine, testOrganization, testUser, uniqueSuffix } from '../test-engines.ts';
import { OrganizationNotFoundError } from './sip-accounts-repo.ts';
import { sipHa1 } from './sip-ha1.ts';

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describeEachEngine('SIP accounts repository', (get) => {
  it('loads an organization as the SIP service sees it: devices with credentials, users with lines, ranges and enabled trunks', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    await store.organizations.update(orgId, { switchboardNumber: '+4570100000', maxOutboundCalls: 3 });
    const org = (await store.organizations.get(orgId))!;
    const userId = await testUser(store, orgId);
    await store.users.update(orgId, userId, { firstName: 'Søren', lastName: 'Ærø', callerId: '+4570100001' });
    await store.users.replaceLines(orgId, userId, [
      { slot: 'primary', number: '+4570100001', lineType: 'office_fixed', aliasExtension: '201' },
      { slot: 'secondary', number: '+4520000001', lineType: 'office_mobile' },
    ]);
    const nameless = await store.users.create(orgId, {
      username: `n-${uniqueSuffix()}@example.test`,
      firstName: '',
      lastName: '',
      language: 'en',
      license: 'standard',
      role: 'user',
      allowedApps: [],
      directoryFields: ['', '', '', '', '', ''],
    });
    await store.numbers.createRange(orgId, { kind: 'public', start: '+4570100000', end: '+4570100099' });
    await store.numbers.createRange(orgId, { kind: 'internal', start: '200', end: '299' });
    const s = uniqueSuffix();
    const soft = await store.devices.create(orgId, { kind: 'softphone', userId, sipUsername: `soft-${s}`, sipPassword: 'Soft-password-1' });
    await store.devices.create(orgId, { kind: 'softphone', userId: nameless.id });
    const desk = await store.devices.create(orgId, { kind: 'desk_phone', sipUsername: `desk-${s}`, sipPassword: 'Desk-password-1', enabled: false });
    await store.devices.create(orgId, { kind: 'sip_account', userId, sipUsername: `nopw-${s}`, shownAs: 'analog' });
    await store.trunks.create(orgId, { name: 'Off', outboundHost: 'off.test', enabled: false });
    await store.trunks.create(orgId, { name: 'Second', outboundHost: 'b.test', priority: 5 });
    const first = await store.trunks.create(orgId, { name: 'First', outboundHost: 'a.test', priority: 1, authUsername: 'acct', authPassword: 'carrier-pw' });

    const snap = await store.sipAccounts.loadOrg(orgId);
    expect(snap.org).toEqual({
      id: orgId,
      name: org.name,
      sipDomain: org.sip_domain,
      timeZone: 'UTC',
      maxOutboundCalls: 3,
      switchboardNumber: '+4570100000',
    });
    const h = (u: string, p: string) => sipHa1(u, org.sip_domain, p);
    expect(snap.devices).toEqual([
      {
        id: desk.id,
        userId: null,
        kind: 'desk_phone',
        enabled: false,
        sipUsername: `desk-${s}`,
        ha1Md5: h(`desk-${s}`, 'Desk-password-1').md5,
        ha1Sha256: h(`desk-${s}`, 'Desk-password-1').sha256,
      },
      {
        id: soft.id,
        userId,
        kind: 'softphone',
        enabled: true,
        sipUsername: `soft-${s}`,
        ha1Md5: h(`soft-${s}`, 'Soft-password-1').md5,
        ha1Sha256: h(`soft-${s}`, 'Soft-password-1').sha256,
      },
    ]);
    expect(snap.users).toHaveLength(2);
    expect(snap.users.find((u) => u.id === userId)).toEqual({
      id: userId,
      displayName: 'Søren Ærø',
      callerId: '+4570100001',
      lines: [
        { slot: 'primary', number: '+4570100001', aliasExtension: '201' },
        { slot: 'secondary', number: '+4520000001', aliasExtension: null },
      ],
      groupIds: [],
    });
    expect(snap.users.find((u) => u.id === nameless.id)).toEqual({ id: nameless.id, displayName: nameless.username, callerId: null, lines: [], groupIds: [] });
    expect(snap.numberRanges).toEqual([
      { kind: 'public', start: '+4570100000', end: '+4570100099' },
      { kind: 'internal', start: '200', end: '299' },
    ]);
    expect(snap.trunks.map((t) => t.name)).toEqual(['First', 'Second']);
    expect(snap.trunks[0]).toEqual(first);
    expect(snap.conversionRules).toEqual([]);
  });

  it('loads each user’s groups best priority first and every target’s number conversion rules in order', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const other = await testOrganization(store);
    const userId = await testUser(store, orgId);
    const loner = await testUser(store, orgId);
    const first = await store.groups.create(orgId, { name: 'First' });
    const second = await store.groups.create(orgId, { name: 'Second' });
    const third = await store.groups.create(orgId, { name: 'Third' });
    await store.groups.addMembers(orgId, first.id, [userId]);
    await store.groups.addMembers(orgId, third.id, [userId]);
    await store.groups.addMembers(orgId, second.id, [userId]);
    await store.groups.reorder(orgId, [third.id, second.id, first.id]);
    const orgRules = [
      { prefix: '00', digits: 10, ranges: [], rewrite: '+' },
      { prefix: '20', digits: 1, ranges: [{ from: '0', to: '9' }], rewrite: '+458877317' },
    ];
    await store.numberConversion.setRules(orgId, 'organization', orgId, orgRules);
    await store.numberConversion.setRules(orgId, 'group', second.id, [{ prefix: '1', digits: 3, ranges: [], rewrite: '+451' }]);
    await store.numberConversion.setRules(orgId, 'user', userId, [{ prefix: '9', digits: 2, ranges: [], rewrite: '+4699' }]);
    await store.numberConversion.setRules(other, 'organization', other, [{ prefix: '7', digits: 2, ranges: [], rewrite: '+47' }]);

    const snap = await store.sipAccounts.loadOrg(orgId);
    expect(snap.users.find((u) => u.id === userId)?.groupIds).toEqual([third.id, second.id, first.id]);
    expect(snap.users.find((u) => u.id === loner)?.groupIds).toEqual([]);
    expect(snap.conversionRules).toHaveLength(3);
    expect(snap.conversionRules).toContainEqual({ level: 'organization', targetId: orgId, rules: orgRules });
    expect(snap.conversionRules).toContainEqual({ level: 'group', targetId: second.id, rules: [{ prefix: '1', digits: 3, ranges: [], rewrite: '+451' }] });
    expect(snap.conversionRules).toContainEqual({ level: 'user', targetId: userId, rules: [{ prefix: '9', digits: 2, ranges: [], rewrite: '+4699' }] });
  });

  it('answers OrganizationNotFoundError for an organization that does not exist', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    await store.organizations.delete(orgId);
    await expect(store.sipAccounts.loadOrg(orgId)).rejects.toBeInstanceOf(OrganizationNotFoundError);
  });

  it('lists every organization’s id and SIP domain', async () => {
    const { store } = get();
    const a = await testOrganization(store);
    const b = await testOrganization(store);
    const list = await store.sipAccounts.listOrgIdsAndDomains();
    for (const id of [a, b]) expect(list).toContainEqual({ id, sipDomain: (await store.organizations.get(id))!.sip_domain });
  });

  it('sets a device’s credentials as both digests with the organization’s domain, only inside that organization', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const other = await testOrganization(store);
    const domain = (await store.organizations.get(orgId))!.sip_domain;
    const desk = await store.devices.create(orgId, { kind: 'desk_phone', description: 'Reception' });
    await store.sipAccounts.setDeviceCredentials(orgId, desk.id, 'Reception', 'Reception-pw-1');
    const row = await store.devices.get(orgId, desk.id);
    expect(row).toMatchObject({ sip_username: 'reception', sip_ha1_md5: sipHa1('reception', domain, 'Reception-pw-1').md5 });
    expect(row?.sip_ha1_sha256).toBe(sipHa1('reception', domain, 'Reception-pw-1').sha256);
    await expect(store.sipAccounts.setDeviceCredentials(other, desk.id, 'reception', 'x')).rejects.toThrow(/not found/);
    await expect(store.sipAccounts.setDeviceCredentials(crypto.randomUUID(), desk.id, 'reception', 'x')).rejects.toBeInstanceOf(OrganizationNotFoundError);
  });

  it('announces device changes and new organizations on vaxel_org_data', async () => {
    const { store, connection } = get();
    const seen: string[] = [];
    await connection.listen(
      'vaxel_org_data',
      (p) => seen.push(p),
      () => undefined,
    );
    const orgId = await testOrganization(store);
    await waitFor(() => seen.includes(orgId));
    const v0 = await store.snapshots.dataVersion(orgId);
    const desk = await store.devices.create(orgId, { kind: 'desk_phone' });
    await store.sipAccounts.setDeviceCredentials(orgId, desk.id, `d-${uniqueSuffix()}`, 'Desk-password-1');
    await store.devices.delete(orgId, desk.id);
    expect(await store.snapshots.dataVersion(orgId)).toBe(v0 + 3);
  });
});
