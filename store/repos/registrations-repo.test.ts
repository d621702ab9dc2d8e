import { expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeEachEngine, testOrganization, uniqueSuffix } from '../test-engines.ts';
import type { RegistrationRow } from './registrations-repo.ts';

const T0 = new Date('2026-03-01T10:00:00Z');
const plus = (s: number) => new Date(T0.getTime() + s * 1000);

async function orgWithDevice(store: Store) {
  const orgId = await testOrganization(store);
  const device = await store.devices.create(orgId, { kind: 'desk_phone', sipUsername: `d-${uniqueSuffix()}`, sipPassword: 'Desk-password-1' });
  return { orgId, deviceId: device.id };
}

function reg(orgId: string, deviceId: string, contact: string, extra: Partial<RegistrationRow> = {}): RegistrationRow {
  return {
    orgId,
    deviceId,
    aor: 'sip:desk@org.test',
    contact,
    instanceId: null,
    regId: null,
    callId: 'c1@host',
    cseq: 1,
    q: null,
    expiresAt: plus(3600),
    receivedTransport: 'udp',
    receivedAddress: '192.0.2.10',
    receivedPort: 5062,
    userAgent: 'Snom D785',
    path: [],
    ...extra,
  };
}

describeEachEngine('registrations repository', (get) => {
  it('upserts bindings of several organizations at once; the same binding again replaces it', async () => {
    const { store } = get();
    const a = await orgWithDevice(store);
    const b = await orgWithDevice(store);
    const first = reg(a.orgId, a.deviceId, 'sip:desk@192.0.2.10:5062', {
      instanceId: '<urn:uuid:00000000-0000-4000-8000-000000000001>',
      regId: 1,
      q: 0.7,
      path: ['<sip:edge.test;lr>'],
      cseq: 2 ** 40,
    });
    await store.registrations.upsertMany([first, reg(b.orgId, b.deviceId, 'sip:b@192.0.2.11')]);
    await store.registrations.upsertMany([first]);
    const [stored] = await store.registrations.loadUnexpired(a.orgId, T0);
    expect(stored).toMatchObject(first);
    expect(stored?.updatedAt).toBeInstanceOf(Date);
    await store.registrations.upsertMany([{ ...first, cseq: 3, expiresAt: plus(60), userAgent: 'Snom D785 10.1' }]);
    expect(await store.registrations.loadUnexpired(a.orgId, T0)).toEqual([
      expect.objectContaining({ cseq: 3, expiresAt: plus(60), userAgent: 'Snom D785 10.1' }),
    ]);
    expect((await store.registrations.loadUnexpired(b.orgId, T0)).map((r) => r.contact)).toEqual(['sip:b@192.0.2.11']);
  });

  it('keeps the last of several rows with one key in one call, and writes more rows than one statement carries', async () => {
    const { store } = get();
    const a = await orgWithDevice(store);
    const rows = Array.from({ length: 1100 }, (_, i) => reg(a.orgId, a.deviceId, `sip:desk@192.0.2.10:${10000 + (i % 1050)}`, { cseq: i }));
    await store.registrations.upsertMany(rows);
    const stored = await store.registrations.listForOrg(a.orgId);
    expect(stored).toHaveLength(1050);
    expect(stored.find((r) => r.contact.endsWith(':10000'))?.cseq).toBe(1050);
  });

  it('answers only unexpired bindings, sweeps expired ones everywhere and deletes by key', async () => {
    const { store } = get();
    const a = await orgWithDevice(store);
    const b = await orgWithDevice(store);
    const other = await store.devices.create(a.orgId, { kind: 'desk_phone', sipUsername: `o-${uniqueSuffix()}`, sipPassword: 'Desk-password-1' });
    await store.registrations.upsertMany([
      reg(a.orgId, a.deviceId, 'sip:1@h', { expiresAt: plus(10) }),
      reg(a.orgId, a.deviceId, 'sip:2@h', { expiresAt: plus(100) }),
      reg(a.orgId, other.id, 'sip:3@h', { expiresAt: plus(100) }),
      reg(b.orgId, b.deviceId, 'sip:4@h', { expiresAt: plus(10) }),
    ]);
    expect((await store.registrations.loadUnexpired(a.orgId, plus(10))).map((r) => r.contact)).toEqual(
      [a.deviceId, other.id].sort()[0] === a.deviceId ? ['sip:2@h', 'sip:3@h'] : ['sip:3@h', 'sip:2@h'],
    );
    expect((await store.registrations.listForOrg(a.orgId, { deviceId: a.deviceId })).map((r) => r.contact)).toEqual(['sip:1@h', 'sip:2@h']);
    expect((await store.registrations.listForOrg(a.orgId, { deviceId: a.deviceId, now: plus(10) })).map((r) => r.contact)).toEqual(['sip:2@h']);
    expect(await store.registrations.deleteExpired(plus(10))).toBeGreaterThanOrEqual(2);
    expect((await store.registrations.listForOrg(b.orgId)).length).toBe(0);
    await store.registrations.deleteMany([
      { orgId: a.orgId, deviceId: a.deviceId, contact: 'sip:2@h' },
      { orgId: b.orgId, deviceId: other.id, contact: 'sip:3@h' },
      { orgId: a.orgId, deviceId: a.deviceId, contact: 'sip:missing@h' },
    ]);
    await store.registrations.deleteMany([]);
    expect((await store.registrations.listForOrg(a.orgId)).map((r) => r.contact)).toEqual(['sip:3@h']);
  });

  it('drops a device’s bindings with the device and does not count as a configuration change', async () => {
    const { store } = get();
    const a = await orgWithDevice(store);
    const v0 = await store.snapshots.dataVersion(a.orgId);
    await store.registrations.upsertMany([reg(a.orgId, a.deviceId, 'sip:1@h')]);
    await store.registrations.deleteMany([{ orgId: a.orgId, deviceId: a.deviceId, contact: 'sip:1@h' }]);
    await store.registrations.upsertMany([reg(a.orgId, a.deviceId, 'sip:1@h')]);
    expect(await store.snapshots.dataVersion(a.orgId)).toBe(v0);
    await store.devices.delete(a.orgId, a.deviceId);
    expect(await store.registrations.listForOrg(a.orgId)).toEqual([]);
  });

  it('skips bindings of devices that are gone or belong to another organization, and writes the rest of the batch', async () => {
    const { store } = get();
    const a = await orgWithDevice(store);
    const b = await orgWithDevice(store);
    const gone = await store.devices.create(a.orgId, { kind: 'desk_phone', sipUsername: `g-${uniqueSuffix()}`, sipPassword: 'Desk-password-1' });
    await store.devices.delete(a.orgId, gone.id);
    await store.registrations.upsertMany([reg(b.orgId, a.deviceId, 'sip:x@h'), reg(a.orgId, gone.id, 'sip:y@h'), reg(a.orgId, a.deviceId, 'sip:z@h')]);
    expect((await store.registrations.listForOrg(a.orgId)).map((r) => r.contact)).toEqual(['sip:z@h']);
    expect(await store.registrations.listForOrg(b.orgId)).toEqual([]);
  });
});
