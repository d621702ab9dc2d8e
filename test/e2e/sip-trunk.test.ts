import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  credentialsCsv,
  randomPort,
  runSipp,
  seedSipOrg,
  sippCallsCreated,
  startSippOn,
  startSipTestServer,
  type SeededOrg,
  type SipTestServer,
} from './sip-fixture.ts';
import { carrierUas, registerFor, uacCall, uasCallee, unregisterAll } from './sipp-scenarios.ts';

/*
 * Black-box trunk calls with SIPp on loopback: a SIPp UAS on 127.0.0.1 plays the carrier the
 * organization's trunk points at, a SIPp UAC bound to 127.0.0.5 plays the carrier calling in
 * (the trunk trusts that address), and SIPp phones register and call as in sip-calls.test.ts.
 */
describe('SIP trunk calls (SIPp as the carrier)', () => {
  let srv: SipTestServer;
  let org: SeededOrg;
  let trunkId = '';
  const domain = 'trunk.test';
  const carrierAddress = '127.0.0.5';
  const carrierPort = randomPort(38000, 2000);
  const trunkUser = 'vaxel-trunk';
  const trunkPassword = 'Carrier-secret-7';
  let target = '';

  beforeAll(async () => {
    srv = await startSipTestServer(
      async (store) => {
        org = await seedSipOrg(store, {
          slug: 'trunk',
          domain,
          users: [
            { name: 'alice', extension: '201', devices: ['alice'] },
            { name: 'bob', extension: '202', publicNumber: '+4570100202', devices: ['bob'] },
            { name: 'carol', extension: '203', devices: ['carol'] },
          ],
          trunk: { host: '127.0.0.1', port: carrierPort, inbound: [carrierAddress], username: trunkUser, password: trunkPassword },
          maxOutboundCalls: 1,
        });
        await store.numberConversion.setRules(org.orgId, 'organization', org.orgId, [{ prefix: '00', digits: 10, ranges: [], rewrite: '+' }]);
        trunkId = (await store.trunks.list(org.orgId))[0]!.id;
      },
      { VAXEL_SIP_NO_ANSWER_SECONDS: '5' },
    );
    target = `127.0.0.1:${srv.sipPort}`;
  }, 60_000);
  afterAll(async () => srv?.stop());

  /** A SIPp phone answering for `device`, registered at Vaxel with its Contact on the phone's port. */
  async function callee(device: string, timeoutS = 20) {
    const port = randomPort(30000, 8000);
    const uas = startSippOn({ scenario: uasCallee('answer'), localPort: port, timeoutS });
    const reg = await runSipp({ scenario: registerFor, target, csv: credentialsCsv([{ user: device, domain, extra: `127.0.0.1:${port}` }]) });
    expect(reg.code, reg.errors).toBe(0);
    return uas;
  }

  async function unregister(device: string) {
    const reg = await runSipp({ scenario: unregisterAll, target, csv: credentialsCsv([{ user: device, domain, extra: '127.0.0.1:1' }]) });
    expect(reg.code, reg.errors).toBe(0);
  }

  const carrier = (opts: Parameters<typeof carrierUas>[0] = {}, timeoutS = 20) => startSippOn({ scenario: carrierUas(opts), localPort: carrierPort, timeoutS });

  /** A call from the carrier's side: no credentials, from `from` (the trunk's address unless told). */
  const callIn = (to: string, expectStatus: number, from = carrierAddress) =>
    runSipp({
      scenario: uacCall({ to, expect: expectStatus, hangup: 'caller', noAuth: true }),
      target,
      localIp: from,
      csv: credentialsCsv([{ user: '4522334455', domain: '127.0.0.1' }]),
    });

  /** A call from a registered phone of the organization (digest authenticated). */
  const callOut = (to: string, opts: Omit<Parameters<typeof uacCall>[0], 'to'> = { expect: 200, hangup: 'caller' }, from = 'alice') =>
    runSipp({ scenario: uacCall({ to, ...opts }), target, csv: credentialsCsv([{ user: from, domain }]) });

  async function lastCdr() {
    await srv.vaxel.sip.flush();
    const { items } = await srv.store.cdrs.list(org.orgId, { limit: 1, offset: 0 });
    return items[0]!;
  }

  async function until(condition: () => boolean, what: string) {
    for (let i = 0; i < 200; i++) {
      if (condition()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`gave up waiting until ${what}`);
  }

  it('rings the user who owns the dialled number when the carrier calls in from its address, without authentication', async () => {
    const uas = await callee('bob');
    const r = await callIn('+4570100202', 200);
    expect(r.code, r.errors).toBe(0);
    expect((await uas.done).code).toBe(0);
    expect(await lastCdr()).toMatchObject({
      direction: 'inbound',
      trunkId,
      fromNumber: '4522334455',
      toNumber: '+4570100202',
      toUserId: org.users.get('bob')!.id,
      cause: 'answered',
    });
    await unregister('bob');
  });

  it('accepts the dialled number from the carrier without its +', async () => {
    const uas = await callee('bob');
    const r = await callIn('4570100202', 200);
    expect(r.code, r.errors).toBe(0);
    expect((await uas.done).code).toBe(0);
    expect(await lastCdr()).toMatchObject({ direction: 'inbound', trunkId, toNumber: '+4570100202', toUserId: org.users.get('bob')!.id });
    await unregister('bob');
  });

  it('challenges the same INVITE from an address that is not the trunk’s (407) and rings nobody', async () => {
    const uas = await callee('bob', 4);
    const r = await callIn('+4570100202', 407, '127.0.0.8');
    expect(r.code, r.errors).toBe(0);
    const phone = await uas.done;
    expect(sippCallsCreated(phone.stdout)).toBe(0);
    await unregister('bob');
  });

  it('answers 404 when the carrier’s address dials a number nobody in the organization has, and relays nothing back out', async () => {
    const far = carrier({}, 4);
    const r = await callIn('+4512345678', 404);
    expect(r.code, r.errors).toBe(0);
    expect(sippCallsCreated((await far.done).stdout)).toBe(0);
  });

  it('sends a call to an external number out through the trunk with the number in the Request-URI', async () => {
    const far = carrier();
    const r = await callOut('+4512345678');
    expect(r.code, r.errors).toBe(0);
    const c = await far.done;
    expect(c.code, c.errors).toBe(0);
    expect(c.logs).toContain(`RURI INVITE sip:+4512345678@127.0.0.1:${carrierPort}`);
    expect(await lastCdr()).toMatchObject({
      direction: 'outbound',
      trunkId,
      fromUserId: org.users.get('alice')!.id,
      toNumber: '+4512345678',
      cause: 'answered',
      hangupBy: 'caller',
    });
  });

  it('relays the carrier’s hang-up to the caller', async () => {
    const far = carrier({ mode: 'answer-bye' });
    const r = await callOut('+4512345678', { expect: 200, hangup: 'callee' });
    expect(r.code, r.errors).toBe(0);
    const c = await far.done;
    expect(c.code, c.errors).toBe(0);
    expect(await lastCdr()).toMatchObject({ direction: 'outbound', cause: 'answered', hangupBy: 'callee' });
  });

  it('converts a dialled 00 number by the organization’s rules before it goes to the carrier', async () => {
    const far = carrier();
    const r = await callOut('004512345678');
    expect(r.code, r.errors).toBe(0);
    const c = await far.done;
    expect(c.code, c.errors).toBe(0);
    expect(c.logs).toContain(`RURI INVITE sip:+4512345678@127.0.0.1:${carrierPort}`);
    expect(await lastCdr()).toMatchObject({ direction: 'outbound', toNumber: '+4512345678' });
  });

  it('presents the caller’s public number, not the alias extension, to the carrier (From and P-Asserted-Identity)', async () => {
    const far = carrier();
    const r = await callOut('+4512345678', { expect: 200, hangup: 'caller' }, 'bob');
    expect(r.code, r.errors).toBe(0);
    const c = await far.done;
    expect(c.code, c.errors).toBe(0);
    expect(c.logs).toMatch(/^FROM .*<sip:\+4570100202@/m);
    expect(c.logs).toMatch(/^PAI .*<sip:\+4570100202@/m);
  });

  it('answers the carrier’s 407 challenge with the trunk’s credentials, and the call connects', async () => {
    const far = carrier({ challenge: true });
    const r = await callOut('+4512345678');
    expect(r.code, r.errors).toBe(0);
    const c = await far.done;
    expect(c.code, c.errors).toBe(0);
    const line = /^PROXY-AUTHORIZATION (.*)$/m.exec(c.logs)?.[1];
    expect(line, c.logs).toBeDefined();
    const p = digestParams(line!);
    expect(p).toMatchObject({ username: trunkUser, realm: 'carrier.test' });
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const ha1 = md5(`${trunkUser}:carrier.test:${trunkPassword}`);
    const ha2 = md5(`INVITE:${p.uri}`);
    const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
    expect(p.response).toBe(expected);
    expect(await lastCdr()).toMatchObject({ direction: 'outbound', cause: 'answered' });
  });

  it('refuses a second concurrent outbound call with 403 at the organization’s limit of 1', async () => {
    const far = carrier();
    const first = callOut('+4512345678', { expect: 200, hangup: 'caller', holdMs: 3000 });
    await until(() => srv.vaxel.sip.server.b2bua.outboundInUse(org.orgId) === 1, 'the first call holds the only outbound slot');
    const second = await callOut('+4587654321', { expect: 403 }, 'carol');
    expect(second.code, second.errors).toBe(0);
    // Still up: the 403 came while the first call held the slot.
    expect(srv.vaxel.sip.server.b2bua.outboundInUse(org.orgId)).toBe(1);
    const done = await first;
    expect(done.code, done.errors).toBe(0);
    expect((await far.done).code).toBe(0);
    await srv.vaxel.sip.flush();
    const { items } = await srv.store.cdrs.list(org.orgId, { limit: 2, offset: 0 });
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ direction: 'outbound', fromUserId: org.users.get('alice')!.id, cause: 'answered' }),
        expect.objectContaining({ direction: 'outbound', fromUserId: org.users.get('carol')!.id, cause: 'limit_reached', sipStatus: 403 }),
      ]),
    );
  });

  it('frees the outbound slot when the call ends: the next outbound call connects', async () => {
    const far = carrier();
    const r = await callOut('+4512345678', { expect: 200, hangup: 'caller' }, 'carol');
    expect(r.code, r.errors).toBe(0);
    expect((await far.done).code).toBe(0);
  });

  it('challenges an unauthenticated INVITE with a registered user’s From to an external number (407); the carrier gets nothing', async () => {
    const far = carrier({}, 4);
    const r = await runSipp({
      scenario: uacCall({ to: '+4512345678', expect: 407, noAuth: true }),
      target,
      csv: credentialsCsv([{ user: 'alice', domain }]),
    });
    expect(r.code, r.errors).toBe(0);
    expect(sippCallsCreated((await far.done).stdout)).toBe(0);
  });
});

/** The parameters of a Digest credentials value. */
function digestParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.replace(/^\s*Digest\s+/i, '').matchAll(/([\w-]+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}
