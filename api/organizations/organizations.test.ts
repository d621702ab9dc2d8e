import { describe, expect, it } from 'vitest';
import { uniqueSuffix } from '../../store/test-engines.ts';
import { createTestOrg, createTestUser, useTestApi } from '../test-app.ts';

describe('organizations API: outbound call limit and SIP domain', () => {
  const api = useTestApi();
  const orgUrl = (orgId: string) => `/api/v1/organizations/${orgId}`;

  it('lets the provider set the concurrent outbound call limit, 10 by default', async () => {
    const org = await createTestOrg(api());
    expect((await org.provider.get(orgUrl(org.orgId))).body.maxOutboundCalls).toBe(10);
    const changed = await org.provider.patch(orgUrl(org.orgId), { maxOutboundCalls: 0 });
    expect(changed.status).toBe(200);
    expect(changed.body.maxOutboundCalls).toBe(0);
    const s = uniqueSuffix();
    const created = await org.provider.post('/api/v1/organizations', {
      name: 'Big',
      slug: `big-${s}`,
      timeZone: 'UTC',
      defaultLanguage: 'en',
      sipDomain: `big-${s}.pbx.test`,
      maxOutboundCalls: 10_000,
    });
    expect(created.status).toBe(201);
    expect(created.body.maxOutboundCalls).toBe(10_000);
    const audit = await api().store.audit.list(org.orgId, { limit: 10, offset: 0, action: 'organization.update' });
    expect(audit.items[0]?.after).toMatchObject({ max_outbound_calls: 0 });
  });

  it('refuses limits outside 0..10000 and non-integers, naming maxOutboundCalls', async () => {
    const org = await createTestOrg(api());
    for (const value of [-1, 10_001, 1.5, '5', null]) {
      const res = await org.provider.patch(orgUrl(org.orgId), { maxOutboundCalls: value });
      expect(res.status, JSON.stringify(value)).toBe(400);
      expect(res.body.error.field, JSON.stringify(value)).toBe('maxOutboundCalls');
    }
  });

  it('does not let an org admin raise its own limit, nor a plain user change the organization', async () => {
    const org = await createTestOrg(api());
    const admin = await createTestUser(api(), org, { role: 'org_admin' });
    const user = await createTestUser(api(), org);
    const res = await admin.as.patch(orgUrl(org.orgId), { maxOutboundCalls: 50 });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', field: 'maxOutboundCalls' });
    expect((await admin.as.patch(orgUrl(org.orgId), { name: 'Renamed' })).status).toBe(200);
    expect((await user.as.patch(orgUrl(org.orgId), { name: 'Mine' })).status).toBe(403);
    expect((await admin.as.get(orgUrl(org.orgId))).body).toMatchObject({ name: 'Renamed', maxOutboundCalls: 10 });
  });

  it('refuses to change the SIP domain while devices have SIP credentials (their digests include it)', async () => {
    const org = await createTestOrg(api());
    const s = uniqueSuffix();
    const free = await org.provider.patch(orgUrl(org.orgId), { sipDomain: `moved-${s}.pbx.test` });
    expect(free.status).toBe(200);
    const desk = await org.provider.post(`${orgUrl(org.orgId)}/devices`, {
      kind: 'desk_phone',
      mac: '000413ab0001',
      model: 'Snom D785',
      sipUsername: 'desk',
      sipPassword: 'Desk-pass-2026',
    });
    expect(desk.status).toBe(201);
    const refused = await org.provider.patch(orgUrl(org.orgId), { sipDomain: `again-${s}.pbx.test`, name: 'Not saved' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', field: 'sipDomain' });
    expect(refused.body.error.message).toContain('sipDomain');
    const same = await org.provider.patch(orgUrl(org.orgId), { sipDomain: `MOVED-${s}.pbx.test`, name: 'Saved' });
    expect(same.status).toBe(200);
    expect((await org.provider.get(orgUrl(org.orgId))).body).toMatchObject({ sipDomain: `moved-${s}.pbx.test`, name: 'Saved' });
    await org.provider.patch(`${orgUrl(org.orgId)}/devices/${desk.body.id}`, { sipUsername: null });
    expect((await org.provider.patch(orgUrl(org.orgId), { sipDomain: `again-${s}.pbx.test` })).status).toBe(200);
  });
});
