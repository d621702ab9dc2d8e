import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

describe('trunks API', () => {
  const api = useTestApi();
  const url = (org: TestOrg, rest = '') => `/api/v1/organizations/${org.orgId}/trunks${rest}`;
  const carrier = {
    name: 'Carrier A',
    outboundHost: 'SIP.Carrier.example',
    outboundPort: 5061,
    transport: 'tls',
    register: true,
    authUsername: 'acct-1',
    authPassword: 'carrier-secret-1',
    fromDomain: 'pbx.example',
    inboundAddresses: ['192.0.2.0/24', '2001:DB8::1', '198.51.100.7'],
    priority: 1,
  };

  it('adds, lists, reads, changes and removes a trunk, with an audit entry for each change', async () => {
    const org = await createTestOrg(api());
    const created = await org.provider.post(url(org), carrier);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Carrier A',
      enabled: true,
      outboundHost: 'sip.carrier.example',
      outboundPort: 5061,
      transport: 'tls',
      register: true,
      authUsername: 'acct-1',
      hasPassword: true,
      fromDomain: 'pbx.example',
      inboundAddresses: ['192.0.2.0/24', '2001:db8::1', '198.51.100.7'],
      priority: 1,
    });
    const id = created.body.id as string;
    const minimal = await org.provider.post(url(org), { name: 'Backup', outboundHost: '[2001:db8::5]' });
    expect(minimal.body).toMatchObject({ outboundHost: '2001:db8::5', outboundPort: 5060, transport: 'udp', register: false, hasPassword: false, priority: 0 });
    const list = await org.provider.get(url(org));
    expect(list.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(['Backup', 'Carrier A']);
    expect((await org.provider.get(url(org, '?limit=1&offset=1'))).body.items.map((t: { name: string }) => t.name)).toEqual(['Carrier A']);
    expect((await org.provider.get(url(org, `/${id}`))).body.name).toBe('Carrier A');
    const changed = await org.provider.patch(url(org, `/${id}`), { enabled: false, register: false, authPassword: null, inboundAddresses: [] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ enabled: false, register: false, hasPassword: false, inboundAddresses: [] });
    expect((await org.provider.delete(url(org, `/${id}`))).status).toBe(204);
    expect((await org.provider.get(url(org, `/${id}`))).status).toBe(404);
    expect((await org.provider.delete(url(org, `/${id}`))).status).toBe(404);
    const audit = await api().store.audit.list(org.orgId, { limit: 100, offset: 0, resourceId: id });
    expect(audit.items.map((a) => a.action).sort()).toEqual(['trunk.create', 'trunk.delete', 'trunk.update']);
  });

  it('never returns the password, nor writes it to the audit log, but keeps it for the SIP service', async () => {
    const org = await createTestOrg(api());
    const created = await org.provider.post(url(org), carrier);
    const changed = await org.provider.patch(url(org, `/${created.body.id}`), { authPassword: 'carrier-secret-2' });
    const reads = [
      created,
      changed,
      await org.provider.get(url(org)),
      await org.provider.get(url(org, `/${created.body.id}`)),
      { body: await api().store.audit.list(org.orgId, { limit: 100, offset: 0 }) },
    ];
    for (const r of reads) {
      expect(JSON.stringify(r.body)).not.toContain('carrier-secret');
      expect(r.body).not.toHaveProperty('authPassword');
    }
    expect((await api().store.trunks.get(org.orgId, created.body.id))?.authPassword).toBe('carrier-secret-2');
    expect((await api().store.sipAccounts.loadOrg(org.orgId)).trunks[0]?.authPassword).toBe('carrier-secret-2');
  });

  it('validates every field and names it', async () => {
    const org = await createTestOrg(api());
    const cases: [Record<string, unknown>, string][] = [
      [{ ...carrier, name: '' }, 'name'],
      [{ ...carrier, outboundHost: 'sip:carrier.example' }, 'outboundHost'],
      [{ ...carrier, outboundHost: 'carrier.example:5060' }, 'outboundHost'],
      [{ ...carrier, outboundHost: 'https://carrier.example' }, 'outboundHost'],
      [{ ...carrier, outboundHost: 'carrier .example' }, 'outboundHost'],
      [{ ...carrier, outboundHost: '10.1.2' }, 'outboundHost'],
      [{ ...carrier, outboundHost: '' }, 'outboundHost'],
      [{ ...carrier, outboundPort: 0 }, 'outboundPort'],
      [{ ...carrier, outboundPort: 65536 }, 'outboundPort'],
      [{ ...carrier, outboundPort: '5060' }, 'outboundPort'],
      [{ ...carrier, transport: 'ws' }, 'transport'],
      [{ ...carrier, inboundAddresses: ['192.0.2.300'] }, 'inboundAddresses.0'],
      [{ ...carrier, inboundAddresses: ['192.0.2.1', '192.0.2.0/33'] }, 'inboundAddresses.1'],
      [{ ...carrier, inboundAddresses: ['2001:db8::/129'] }, 'inboundAddresses.0'],
      [{ ...carrier, inboundAddresses: ['carrier.example'] }, 'inboundAddresses.0'],
      [{ ...carrier, inboundAddresses: ['192.0.2.0/24/8'] }, 'inboundAddresses.0'],
      [{ ...carrier, inboundAddresses: ['192.0.2.0/'] }, 'inboundAddresses.0'],
      [{ ...carrier, inboundAddresses: '192.0.2.1' }, 'inboundAddresses'],
      [{ ...carrier, register: true, authUsername: undefined }, 'authUsername'],
      [{ ...carrier, register: true, authPassword: null }, 'authPassword'],
      [{ ...carrier, authUsername: 'a"b' }, 'authUsername'],
      [{ ...carrier, fromDomain: 'x y' }, 'fromDomain'],
      [{ ...carrier, priority: -1 }, 'priority'],
      [{ ...carrier, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await org.provider.post(url(org), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect((await org.provider.get(url(org))).body.total).toBe(0);
    const plain = await org.provider.post(url(org), { name: 'Plain', outboundHost: '192.0.2.1' });
    const noCreds = await org.provider.patch(url(org, `/${plain.body.id}`), { register: true });
    expect(noCreds.body.error).toMatchObject({ code: 'validation_failed', field: 'authUsername' });
    const noPassword = await org.provider.patch(url(org, `/${plain.body.id}`), { register: true, authUsername: 'acct' });
    expect(noPassword.body.error).toMatchObject({ code: 'validation_failed', field: 'authPassword' });
    const registering = await org.provider.post(url(org), carrier);
    const dropPassword = await org.provider.patch(url(org, `/${registering.body.id}`), { authPassword: null });
    expect(dropPassword.body.error).toMatchObject({ code: 'validation_failed', field: 'authPassword' });
    const badHost = await org.provider.patch(url(org, `/${plain.body.id}`), { outboundHost: 'sip:x' });
    expect(badHost.body.error.field).toBe('outboundHost');
  });

  it('keeps trunk names unique in the organization', async () => {
    const org = await createTestOrg(api());
    const other = await createTestOrg(api());
    await org.provider.post(url(org), { name: 'Main', outboundHost: 'a.example' });
    const again = await org.provider.post(url(org), { name: 'Main', outboundHost: 'b.example' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'duplicate', field: 'name' });
    const second = await org.provider.post(url(org), { name: 'Second', outboundHost: 'b.example' });
    const rename = await org.provider.patch(url(org, `/${second.body.id}`), { name: 'Main' });
    expect(rename.body.error).toMatchObject({ code: 'duplicate', field: 'name' });
    expect((await other.provider.post(url(other), { name: 'Main', outboundHost: 'a.example' })).status).toBe(201);
  });

  it('is for organization admins: group admins and users get 403, another organization’s trunk 404', async () => {
    const org = await createTestOrg(api());
    const admin = await createTestUser(api(), org, { role: 'org_admin' });
    const groupAdmin = await createTestUser(api(), org, { role: 'group_admin' });
    const user = await createTestUser(api(), org);
    const t = await admin.as.post(url(org), { name: 'By admin', outboundHost: 'a.example' });
    expect(t.status).toBe(201);
    for (const who of [groupAdmin, user]) {
      expect((await who.as.get(url(org))).status).toBe(403);
      expect((await who.as.get(url(org, `/${t.body.id}`))).status).toBe(403);
      expect((await who.as.post(url(org), { name: 'X', outboundHost: 'x.example' })).status).toBe(403);
      expect((await who.as.patch(url(org, `/${t.body.id}`), { enabled: false })).status).toBe(403);
      expect((await who.as.delete(url(org, `/${t.body.id}`))).status).toBe(403);
    }
    const other = await createTestOrg(api());
    expect((await other.provider.get(url(other, `/${t.body.id}`))).status).toBe(404);
    expect((await other.provider.patch(url(other, `/${t.body.id}`), { enabled: false })).status).toBe(404);
    expect((await admin.as.get(url(org, `/${t.body.id}`))).body.enabled).toBe(true);
  });
});
