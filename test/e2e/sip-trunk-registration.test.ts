import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomPort, seedSipOrg, startSipp, startSipTestServer, type SipTestServer } from './sip-fixture.ts';

/** A carrier registrar played by SIPp: 401 with a digest challenge, then 200 once credentials come. */
const carrierRegistrar = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="carrier registrar">
  <recv request="REGISTER"/>
  <send>
    <![CDATA[

      SIP/2.0 401 Unauthorized
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]C[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      WWW-Authenticate: Digest realm="carrier.example", nonce="abc123nonce", algorithm=MD5, qop="auth"
      Content-Length: 0

    ]]>
  </send>
  <recv request="REGISTER">
    <action>
      <ereg regexp="Digest username=.vaxel-trunk..*realm=.carrier.example." search_in="hdr" header="Authorization:" check_it="true" assign_to="auth"/>
    </action>
  </recv>
  <Reference variables="auth"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]C[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Contact:];expires=600
      Content-Length: 0

    ]]>
  </send>
</scenario>
`;

describe('registration at the carrier', () => {
  let srv: SipTestServer;
  const carrierPort = randomPort(31000, 4000);
  let carrier: ReturnType<typeof startSipp>;

  beforeAll(async () => {
    carrier = startSipp({ scenario: carrierRegistrar, args: ['-m', '1'], localPort: carrierPort, timeoutS: 20 });
    await new Promise((r) => setTimeout(r, 300));
    srv = await startSipTestServer(async (store) => {
      await seedSipOrg(store, {
        slug: 'trunkreg',
        domain: 'trunkreg.test',
        users: [{ name: 'alice', extension: '201', devices: ['alice'] }],
        trunk: { host: '127.0.0.1', port: carrierPort, inbound: ['127.0.0.9'], register: true, username: 'vaxel-trunk', password: 'carrier-pass-1' },
      });
    });
  }, 60_000);
  afterAll(async () => {
    carrier?.kill();
    await srv?.stop();
  });

  it('registers a trunk that asks for it, answering the carrier’s digest challenge', async () => {
    const done = await carrier.done;
    expect(done.code, done.errors).toBe(0);
    const deadline = Date.now() + 5000;
    let states = srv.vaxel.sip.server.trunkRegistrations.states();
    while (states[0]?.state !== 'registered' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      states = srv.vaxel.sip.server.trunkRegistrations.states();
    }
    expect(states).toEqual([expect.objectContaining({ state: 'registered', lastStatus: 200 })]);
    expect(states[0]!.expiresAt! - Date.now()).toBeGreaterThan(500_000);
  });
});
