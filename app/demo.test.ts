import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStore, migrateToLatest, type StoreConnection } from '../store/connect.ts';
import { createStore, type Store } from '../store/store.ts';
import { seedDemo } from './demo.ts';

describe('vaxel demo', () => {
  let conn: StoreConnection;
  let store: Store;
  beforeAll(async () => {
    conn = await connectStore({ engine: 'pglite', dataDir: null });
    await migrateToLatest(conn.db);
    store = createStore(conn.db);
  }, 60_000);
  afterAll(async () => conn?.close());

  it('gives three softphones SIP credentials that can register at once, and prints them', async () => {
    const demo = await seedDemo(store, { users: 5, slug: 'demo-sip', sipDomain: 'demo-sip.vaxel.test' });
    const sipLines = demo.logins.filter((l) => l.startsWith('SIP softphone'));
    expect(sipLines).toHaveLength(3);
    expect(sipLines[0]).toMatch(/^SIP softphone of .+ \(extension \d+\): sip:softphone-\d+@demo-sip\.vaxel\.test \/ vaxel-demo-2026$/);
    const snap = await store.sipAccounts.loadOrg(demo.orgId);
    const softphones = snap.devices.filter((d) => d.kind === 'softphone');
    expect(softphones.map((d) => d.sipUsername)).toHaveLength(3);
    for (const d of softphones) expect(d.ha1Md5).toMatch(/^[0-9a-f]{32}$/);
  });
});
