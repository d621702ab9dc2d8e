import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectStore, migrateToLatest, type ConnectOptions } from '../../store/connect.ts';
import { createStore } from '../../store/store.ts';
import { TEST_POSTGRES_URL } from '../../store/test-engines.ts';

const run = promisify(execFile);
const VAXEL = join(import.meta.dirname, '..', '..', 'bin', 'vaxel.js');

/** Two organizations: one with a registered desk phone and an unregistered SIP account, one with nothing. */
async function seed(options: ConnectOptions, suffix: string) {
  const connection = await connectStore(options);
  await migrateToLatest(connection.db);
  const store = createStore(connection.db);
  const org = await store.organizations.create({
    name: 'Acme',
    slug: `acme-${suffix}`,
    timeZone: 'UTC',
    defaultLanguage: 'en',
    sipDomain: `acme-${suffix}.pbx.test`,
  });
  const empty = await store.organizations.create({
    name: 'Empty',
    slug: `empty-${suffix}`,
    timeZone: 'UTC',
    defaultLanguage: 'en',
    sipDomain: `empty-${suffix}.pbx.test`,
  });
  const user = await store.users.create(org.id, {
    username: `anne-${suffix}@acme.test`,
    firstName: 'Anne',
    lastName: 'Jensen',
    language: 'en',
    license: 'standard',
    role: 'user',
    allowedApps: [],
    directoryFields: ['', '', '', '', '', ''],
  });
  const desk = await store.devices.create(org.id, {
    kind: 'desk_phone',
    userId: user.id,
    model: 'Snom D785',
    sipUsername: 'desk-201',
    sipPassword: 'Desk-pass-2026',
  });
  await store.devices.create(org.id, { kind: 'sip_account', userId: user.id, sipUsername: 'fax-201', sipPassword: 'Fax-pass-2026', shownAs: 'analog' });
  await store.devices.create(org.id, { kind: 'softphone', userId: user.id });
  await store.registrations.upsertMany([
    {
      orgId: org.id,
      deviceId: desk.id,
      aor: `sip:desk-201@acme-${suffix}.pbx.test`,
      contact: 'sip:desk-201@127.0.0.1:5062;transport=udp',
      instanceId: null,
      regId: null,
      callId: 'r1',
      cseq: 1,
      q: null,
      expiresAt: new Date(Date.now() + 3600_000),
      receivedTransport: 'udp',
      receivedAddress: '127.0.0.1',
      receivedPort: 5062,
      userAgent: 'Snom D785/10.1',
      path: [],
    },
  ]);
  return { connection, orgId: org.id, emptyId: empty.id, deskId: desk.id, userId: user.id };
}

interface Report {
  organizations: {
    id: string;
    slug: string;
    sipDomain: string;
    accounts: { deviceId: string; address: string; kind: string; user: { id: string; name: string } | null; registrations: Record<string, unknown>[] }[];
  }[];
}

describe('vaxel sip accounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vaxel-sip-cli-'));
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the embedded store’s SIP accounts and registrations, and refuses while a running Vaxel holds the store', async () => {
    const s = randomBytes(3).toString('hex');
    const seeded = await seed({ engine: 'pglite', dataDir: join(dir, 'pglite') }, s);
    try {
      const locked = await run(process.execPath, [VAXEL, 'sip', 'accounts', '--data', dir]).catch((e: unknown) => e);
      expect(locked).toMatchObject({ code: 1, stderr: expect.stringContaining('GET /api/v1/organizations/:orgId/sip/registrations') });
    } finally {
      await seeded.connection.close();
    }

    const text = await run(process.execPath, [VAXEL, 'sip', 'accounts', '--data', dir]);
    expect(text.stdout).toContain(`Acme (acme-${s}) — SIP domain acme-${s}.pbx.test`);
    expect(text.stdout).toMatch(new RegExp(`desk-201@acme-${s}\\.pbx\\.test\\s+desk_phone\\s+Anne Jensen\\s+1`));
    expect(text.stdout).toMatch(/sip:desk-201@127\.0\.0\.1:5062;transport=udp\s+expires in \d+ s\s+Snom D785\/10\.1\s+from udp:127\.0\.0\.1:5062/);
    expect(text.stdout).toMatch(new RegExp(`fax-201@acme-${s}\\.pbx\\.test\\s+sip_account\\s+Anne Jensen\\s+not registered`));
    expect(text.stdout).toContain(`Empty (empty-${s}) — SIP domain empty-${s}.pbx.test\n  no devices with SIP credentials`);

    const json = await run(process.execPath, [VAXEL, 'sip', 'accounts', '--data', dir, '--org', `acme-${s}`, '--json']);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.organizations.map((o) => o.id)).toEqual([seeded.orgId]);
    const desk = report.organizations[0]!.accounts.find((a) => a.deviceId === seeded.deskId);
    expect(desk).toMatchObject({ address: `desk-201@acme-${s}.pbx.test`, kind: 'desk_phone', user: { id: seeded.userId, name: 'Anne Jensen' } });
    expect(desk?.registrations).toEqual([
      {
        contact: 'sip:desk-201@127.0.0.1:5062;transport=udp',
        expiresAt: expect.any(String),
        expiresInSeconds: expect.any(Number),
        userAgent: 'Snom D785/10.1',
        receivedFrom: 'udp:127.0.0.1:5062',
      },
    ]);
    expect(report.organizations[0]!.accounts.map((a) => a.kind).sort()).toEqual(['desk_phone', 'sip_account']);
    expect(json.stdout).not.toMatch(/Desk-pass|Fax-pass|ha1/i);

    await expect(run(process.execPath, [VAXEL, 'sip', 'accounts', '--data', dir, '--org', 'nobody'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no organization with slug "nobody"'),
    });
    await expect(run(process.execPath, [VAXEL, 'sip', 'accounts', '--data', join(dir, 'nothing-here')])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no Vaxel store'),
    });
  }, 120_000);

  it('reads a PostgreSQL store given by DATABASE_URL', async () => {
    const name = `vaxel_test_cli_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    });
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    const s = randomBytes(3).toString('hex');
    const seeded = await seed({ engine: 'postgres', databaseUrl: url.toString() }, s);
    await seeded.connection.close();
    const json = await run(process.execPath, [VAXEL, 'sip', 'accounts', '--json'], { env: { ...process.env, DATABASE_URL: url.toString() } });
    const report = JSON.parse(json.stdout) as Report;
    expect(report.organizations.map((o) => o.id).sort()).toEqual([seeded.orgId, seeded.emptyId].sort());
    const acme = report.organizations.find((o) => o.id === seeded.orgId);
    expect(acme?.accounts.find((a) => a.deviceId === seeded.deskId)?.registrations).toHaveLength(1);
  }, 120_000);
});
