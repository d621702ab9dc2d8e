import { describe, expect, it } from 'vitest';
import type { RegistrationRow } from '../../store/repos/registrations-repo.ts';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

describe('SIP registrations API', () => {
  const api = useTestApi();
  const url = (org: TestOrg, rest = '') => `/api/v1/organizations/${org.orgId}/sip/registrations${rest}`;

  function binding(org: TestOrg, deviceId: string, contact: string, expiresInS: number, extra: Partial<RegistrationRow> = {}): RegistrationRow {
    return {
      orgId: org.orgId,
      deviceId,
      aor: 'sip:desk@org.test',
      contact,
      instanceId: null,
      regId: null,
      callId: 'reg-1',
      cseq: 7,
      q: null,
      expiresAt: new Date(api().clock.now() + expiresInS * 1000),
      receivedTransport: 'udp',
      receivedAddress: '127.0.0.1',
      receivedPort: 5062,
      userAgent: 'Snom D785/10.1',
      path: [],
      ...extra,
    };
  }

  it('lists the unexpired registrations with their device’s user, expiry and where they came from', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const soft = await org.provider.post(`/api/v1/organizations/${org.orgId}/devices`, {
      kind: 'softphone',
      userId: u.id,
      sipUsername: 'soft',
      sipPassword: 'Soft-pass-2026',
    });
    const desk = await org.provider.post(`/api/v1/organizations/${org.orgId}/devices`, {
      kind: 'desk_phone',
      mac: '000413aa0001',
      model: 'Snom D785',
      sipUsername: 'desk',
      sipPassword: 'Desk-pass-2026',
    });
    await api().store.registrations.upsertMany([
      binding(org, desk.body.id, 'sip:desk@127.0.0.1:5062;transport=udp', 300),
      binding(org, soft.body.id, 'sip:soft@[2001:db8::9]:5070;transport=tls', 60, {
        aor: 'sip:soft@org.test',
        receivedTransport: 'tls',
        receivedAddress: '2001:db8::9',
        receivedPort: 5070,
        userAgent: 'Vaxel Softphone',
      }),
      binding(org, desk.body.id, 'sip:desk@127.0.0.1:5099', -1),
    ]);
    const res = await org.provider.get(url(org));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          deviceId: desk.body.id,
          userId: null,
          aor: 'sip:desk@org.test',
          contact: 'sip:desk@127.0.0.1:5062;transport=udp',
          expiresAt: new Date(api().clock.now() + 300_000).toISOString(),
          expiresInSeconds: 300,
          userAgent: 'Snom D785/10.1',
          receivedFrom: 'udp:127.0.0.1:5062',
        },
        {
          deviceId: soft.body.id,
          userId: u.id,
          aor: 'sip:soft@org.test',
          contact: 'sip:soft@[2001:db8::9]:5070;transport=tls',
          expiresAt: new Date(api().clock.now() + 60_000).toISOString(),
          expiresInSeconds: 60,
          userAgent: 'Vaxel Softphone',
          receivedFrom: 'tls:[2001:db8::9]:5070',
        },
      ],
    });
    const one = await org.provider.get(url(org, `?deviceId=${soft.body.id}`));
    expect(one.body.items.map((r: { deviceId: string }) => r.deviceId)).toEqual([soft.body.id]);
    api().clock.advance(61_000);
    expect((await org.provider.get(url(org))).body.items.map((r: { expiresInSeconds: number }) => r.expiresInSeconds)).toEqual([239]);
  });

  it('answers an empty list for an organization without registrations, and 400 for a bad device id', async () => {
    const org = await createTestOrg(api());
    expect((await org.provider.get(url(org))).body).toEqual({ items: [] });
    const bad = await org.provider.get(url(org, '?deviceId=desk'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('deviceId');
  });

  it('is for organization admins; plain users and group admins get 403, other organizations 404', async () => {
    const org = await createTestOrg(api());
    const admin = await createTestUser(api(), org, { role: 'org_admin' });
    const groupAdmin = await createTestUser(api(), org, { role: 'group_admin' });
    const user = await createTestUser(api(), org);
    expect((await admin.as.get(url(org))).status).toBe(200);
    expect((await groupAdmin.as.get(url(org))).status).toBe(403);
    expect((await user.as.get(url(org))).status).toBe(403);
    const other = await createTestOrg(api());
    const stranger = await createTestUser(api(), other, { role: 'org_admin' });
    expect((await stranger.as.get(url(org))).status).toBe(404);
  });
});
