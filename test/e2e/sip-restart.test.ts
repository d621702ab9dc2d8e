import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsCsv, randomPort, runSipp, seedSipOrg, startSipp, startSipTestServer, type SeededOrg, type SipTestServer } from './sip-fixture.ts';
import { registerFor, uacCall, uasCallee } from './sipp-scenarios.ts';

describe('registrations survive a restart', () => {
  let srv: SipTestServer;
  let org: SeededOrg;
  const domain = 'restart.test';

  beforeAll(async () => {
    srv = await startSipTestServer(async (store) => {
      org = await seedSipOrg(store, {
        slug: 'restart',
        domain,
        users: [
          { name: 'alice', extension: '201', devices: ['alice'] },
          { name: 'bob', extension: '202', devices: ['bob'] },
        ],
      });
    });
  }, 60_000);
  afterAll(async () => srv?.stop());

  it('routes a call to a phone that registered before the restart, and never lists an expired binding', async () => {
    const target = `127.0.0.1:${srv.sipPort}`;
    const port = randomPort(30000, 8000);
    const reg = await runSipp({ scenario: registerFor, target, csv: credentialsCsv([{ user: 'bob', domain, extra: `127.0.0.1:${port}` }]) });
    expect(reg.code, reg.errors).toBe(0);
    await srv.vaxel.sip.flush();
    await srv.restart();
    expect(srv.vaxel.sip.server.location.size()).toBe(1);

    const uas = startSipp({ scenario: uasCallee('answer'), args: ['-m', '1'], localPort: port, timeoutS: 20 });
    const call = await runSipp({
      scenario: uacCall({ to: '202', expect: 200 }),
      target: `127.0.0.1:${srv.sipPort}`,
      csv: credentialsCsv([{ user: 'alice', domain }]),
    });
    expect(call.code, call.errors).toBe(0);
    expect((await uas.done).code).toBe(0);

    const rows = await srv.store.registrations.listForOrg(org.orgId, { now: new Date(Date.now() + 301_000) });
    expect(rows).toEqual([]);
  }, 60_000);
});
