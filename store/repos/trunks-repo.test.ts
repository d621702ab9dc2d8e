import { expect, it } from 'vitest';
import { describeEachEngine, testOrganization } from '../test-engines.ts';
import { uniqueViolation } from './executor.ts';

describeEachEngine('trunks repository', (get) => {
  it('creates a trunk with defaults, reads, changes and removes it within its organization only', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const other = await testOrganization(store);
    const t = await store.trunks.create(orgId, { name: 'Carrier', outboundHost: 'sip.carrier.test' });
    expect(t).toMatchObject({
      orgId,
      name: 'Carrier',
      enabled: true,
      outboundHost: 'sip.carrier.test',
      outboundPort: 5060,
      transport: 'udp',
      register: false,
      authUsername: null,
      authPassword: null,
      fromDomain: null,
      inboundAddresses: [],
      priority: 0,
    });
    expect(t.createdAt).toBeInstanceOf(Date);
    const changed = await store.trunks.update(orgId, t.id, {
      register: true,
      authUsername: 'acct',
      authPassword: 'carrier-secret',
      inboundAddresses: ['192.0.2.0/24', '2001:db8::1'],
      transport: 'tls',
      outboundPort: 5061,
    });
    expect(changed).toMatchObject({ register: true, authPassword: 'carrier-secret', inboundAddresses: ['192.0.2.0/24', '2001:db8::1'], outboundPort: 5061 });
    expect(await store.trunks.get(orgId, t.id)).toEqual(changed);
    expect(await store.trunks.get(other, t.id)).toBeUndefined();
    expect(await store.trunks.update(other, t.id, { name: 'x' })).toBeUndefined();
    expect(await store.trunks.remove(other, t.id)).toBe(false);
    expect(await store.trunks.list(other)).toEqual([]);
    expect(await store.trunks.remove(orgId, t.id)).toBe(true);
    expect(await store.trunks.list(orgId)).toEqual([]);
  });

  it('lists by priority, then name, and keeps names unique in the organization', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const other = await testOrganization(store);
    await store.trunks.create(orgId, { name: 'Backup', outboundHost: 'b.test', priority: 10 });
    await store.trunks.create(orgId, { name: 'Main', outboundHost: 'a.test', priority: 1 });
    await store.trunks.create(orgId, { name: 'Also main', outboundHost: 'c.test', priority: 1 });
    expect((await store.trunks.list(orgId)).map((t) => t.name)).toEqual(['Also main', 'Main', 'Backup']);
    const dup = await store.trunks.create(orgId, { name: 'Main', outboundHost: 'x.test' }).catch((e: unknown) => e);
    expect(uniqueViolation(dup)).toMatch(/name/);
    expect((await store.trunks.create(other, { name: 'Main', outboundHost: 'x.test' })).name).toBe('Main');
  });

  it('announces trunk changes as configuration changes of the organization', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const v0 = await store.snapshots.dataVersion(orgId);
    const t = await store.trunks.create(orgId, { name: 'T', outboundHost: 't.test' });
    await store.trunks.update(orgId, t.id, { enabled: false });
    await store.trunks.remove(orgId, t.id);
    expect(await store.snapshots.dataVersion(orgId)).toBe(v0 + 3);
  });
});
