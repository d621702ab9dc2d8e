import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsCsv, runSipp, seedSipOrg, SIP_PASSWORD, startSipTestServer, udpRequest, type SeededOrg, type SipTestServer } from './sip-fixture.ts';
import { expectNoAnswer, optionsBurst } from './sipp-scenarios.ts';

/*
 * Black-box checks of the SIP edge guard with SIPp and raw UDP on loopback. Each attacker gets its
 * own source address in 127.0.0.0/8, so one ban does not hide the next case: 127.0.0.2 guesses
 * passwords, 127.0.0.3 is an honest phone, 127.0.0.4 floods, 127.0.0.6 is a scanner, 127.0.0.7
 * probes for accounts.
 */
describe('SIP security: bans, scanners and no account enumeration', () => {
  let srv: SipTestServer;
  let org: SeededOrg;
  const domain = 'sec.test';
  let target = '';

  beforeAll(async () => {
    srv = await startSipTestServer(async (store) => {
      org = await seedSipOrg(store, {
        slug: 'sec',
        domain,
        users: [
          { name: 'dave', extension: '201', devices: ['dave'] },
          { name: 'erin', extension: '202', devices: ['erin'] },
        ],
      });
    });
    target = `127.0.0.1:${srv.sipPort}`;
  }, 60_000);
  afterAll(async () => srv?.stop());

  const events = () => srv.securityLines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const register = (localIp: string, user: string, password = SIP_PASSWORD, timeoutS = 10) =>
    runSipp({ scenario: 'register.xml', target, localIp, csv: credentialsCsv([{ user, domain, password, extra: '120' }]), timeoutS });
  const silence = (localIp: string, scenario: string) => runSipp({ scenario, target, localIp, csv: credentialsCsv([{ user: 'dave', domain }]) });

  it('bans an address after repeated wrong passwords, while a phone on another address keeps registering', async () => {
    for (let i = 0; i < 5; i++) {
      const [guess, phone] = await Promise.all([register('127.0.0.2', 'dave', 'Guess-' + i, 5), register('127.0.0.3', 'erin')]);
      expect(guess.code).not.toBe(0);
      expect(guess.errors).toMatch(/SIP\/2\.0 401/);
      expect(phone.code, phone.errors).toBe(0);
    }
    expect(events()).toContainEqual(
      expect.objectContaining({
        event: 'sip_auth_ban',
        source: '127.0.0.2',
        account: `dave@${domain}`,
        org: org.orgId,
        reason: expect.stringContaining('failed authentications') as unknown,
      }),
    );
    // Banned: no answer at all, even with the right password.
    const probe = await silence('127.0.0.2', expectNoAnswer('REGISTER'));
    expect(probe.code, probe.errors).toBe(0);
    const right = await register('127.0.0.2', 'dave', SIP_PASSWORD, 4);
    expect(right.code).not.toBe(0);
    expect(right.errors).not.toMatch(/SIP\/2\.0 \d\d\d/);
    const phone = await register('127.0.0.3', 'erin');
    expect(phone.code, phone.errors).toBe(0);
  }, 60_000);

  it('bans an address that floods unauthenticated requests (more than 16 in 2 s)', async () => {
    const burst = await runSipp({ scenario: optionsBurst(40), target, localIp: '127.0.0.4', csv: credentialsCsv([{ user: 'dave', domain }]) });
    // SIPp notes the first unanswered OPTIONS as an error even though the scenario expects it.
    expect(burst.errors).toMatch(/receive timeout on message OPTIONS burst/);
    expect(events()).toContainEqual(expect.objectContaining({ event: 'sip_flood_ban', source: '127.0.0.4', reason: expect.any(String) as unknown }));
    const probe = await silence('127.0.0.4', expectNoAnswer('OPTIONS'));
    expect(probe.code, probe.errors).toBe(0);
  });

  it('drops a scanner’s requests without an answer and logs it once, without banning the address', async () => {
    const probe = await silence('127.0.0.6', expectNoAnswer('OPTIONS', { count: 3, waitMs: 800, userAgent: 'friendly-scanner' }));
    expect(probe.code, probe.errors).toBe(0);
    const dropped = events().filter((e) => e.event === 'sip_scanner_dropped' && e.source === '127.0.0.6');
    expect(dropped).toEqual([expect.objectContaining({ user_agent: 'friendly-scanner' })]);
    const options = await udpRequest(
      { host: '127.0.0.1', port: srv.sipPort },
      sipRequest('OPTIONS', { user: 'dave', host: domain, callId: randomBytes(8).toString('hex'), cseq: 1 }),
      { localIp: '127.0.0.6' },
    );
    expect(options).toMatch(/^SIP\/2\.0 200 /);
  });

  it('answers an unknown account, a wrong password and an unknown domain with the same 401 challenge', async () => {
    const server = { host: '127.0.0.1', port: srv.sipPort };
    /** A REGISTER, its challenge, and the REGISTER again with credentials: the final answer. */
    const attempt = async (user: string, host: string, password: string) => {
      const callId = randomBytes(8).toString('hex');
      const first = await udpRequest(server, sipRequest('REGISTER', { user, host, callId, cseq: 1 }), { localIp: '127.0.0.7' });
      expect(first).toMatch(/^SIP\/2\.0 401 /);
      const challenge = headers(first!).find(([k, v]) => k === 'www-authenticate' && /algorithm=MD5/i.test(v))![1];
      const authorization = digestAnswer(challenge, { user, password, method: 'REGISTER', uri: `sip:${host}` });
      const second = await udpRequest(server, sipRequest('REGISTER', { user, host, callId, cseq: 2, authorization }), { localIp: '127.0.0.7' });
      expect(second).not.toBeNull();
      return { first: first!, second: second! };
    };
    const unknown = await attempt('nobody', domain, SIP_PASSWORD);
    const wrong = await attempt('dave', domain, 'Not-the-password');
    const elsewhere = await attempt('dave', 'nowhere.test', SIP_PASSWORD);

    const statusLine = (r: string) => r.slice(0, r.indexOf('\r\n'));
    const shape = (r: string) => headers(r).map(([k]) => k);
    const challenges = (r: string) =>
      headers(r)
        .filter(([k]) => k === 'www-authenticate')
        .map(([, v]) => v.replace(/nonce="[^"]*"/, 'nonce=…'));
    expect(statusLine(unknown.second)).toBe('SIP/2.0 401 Unauthorized');
    expect(statusLine(wrong.second)).toBe(statusLine(unknown.second));
    expect(shape(wrong.second)).toEqual(shape(unknown.second));
    expect(challenges(wrong.second)).toEqual(challenges(unknown.second));
    expect(challenges(unknown.second).every((c) => c.includes(`realm="${domain}"`))).toBe(true);
    // An unknown domain gets the same kind of challenge, in its own name.
    for (const r of [elsewhere.first, elsewhere.second]) {
      expect(statusLine(r)).toBe('SIP/2.0 401 Unauthorized');
      expect(shape(r)).toEqual(shape(unknown.second));
      expect(challenges(r)).toEqual(challenges(unknown.second).map((c) => c.replace(`realm="${domain}"`, 'realm="nowhere.test"')));
    }
  });

  it('writes every security event as one line of JSON with t, event, source and the event’s own fields', () => {
    const uuidOrNull = (v: unknown) => v === null || (typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v));
    expect(srv.securityLines.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const line of srv.securityLines) {
      expect(line).not.toMatch(/[\r\n]/);
      const e = JSON.parse(line) as Record<string, unknown>;
      seen.add(String(e.event));
      expect(e, line).toMatchObject({ t: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown, source: expect.any(String) as unknown });
      switch (e.event) {
        case 'sip_auth_failed':
        case 'sip_auth_ban':
          expect(e, line).toMatchObject({ account: expect.any(String) as unknown, reason: expect.any(String) as unknown });
          expect(uuidOrNull(e.org), line).toBe(true);
          if (e.event === 'sip_auth_ban') expect(e.until, line).toEqual(expect.any(String));
          break;
        case 'sip_flood_ban':
          expect(e, line).toMatchObject({ reason: expect.any(String) as unknown, until: expect.any(String) as unknown });
          break;
        case 'sip_scanner_dropped':
          expect(e, line).toMatchObject({ user_agent: expect.any(String) as unknown });
          break;
        case 'sip_ban_lifted':
          expect(e, line).toMatchObject({
            reason: expect.any(String) as unknown,
            ban_reason: expect.any(String) as unknown,
            dropped: expect.any(Number) as unknown,
          });
          break;
        default:
          throw new Error(`unknown security event: ${line}`);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['sip_auth_failed', 'sip_auth_ban', 'sip_flood_ban', 'sip_scanner_dropped']));
  });
});

/** An out-of-dialog request for udpRequest (which fills in LOCAL_IP and LOCAL_PORT). */
function sipRequest(method: 'REGISTER' | 'OPTIONS', p: { user: string; host: string; callId: string; cseq: number; authorization?: string }): string {
  const lines = [
    `${method} sip:${method === 'OPTIONS' ? p.user + '@' : ''}${p.host} SIP/2.0`,
    `Via: SIP/2.0/UDP LOCAL_IP:LOCAL_PORT;branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${p.user}@${p.host}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${p.user}@${p.host}>`,
    `Call-ID: ${p.callId}`,
    `CSeq: ${p.cseq} ${method}`,
    `Contact: <sip:${p.user}@LOCAL_IP:LOCAL_PORT>`,
    ...(method === 'REGISTER' ? ['Expires: 120'] : []),
    ...(p.authorization ? [`Authorization: ${p.authorization}`] : []),
    'User-Agent: vaxel-e2e-raw',
    'Content-Length: 0',
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}

/** The header fields of a response, names lower-cased, in order. */
function headers(message: string): Array<[string, string]> {
  const head = message.slice(0, message.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .slice(1)
    .map((l) => {
      const colon = l.indexOf(':');
      return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()] as [string, string];
    });
}

/** An MD5 digest Authorization value answering `challenge` (RFC 2617 with qop=auth when offered). */
function digestAnswer(challenge: string, c: { user: string; password: string; method: string; uri: string }): string {
  const param = (name: string) => new RegExp(`${name}="?([^",]*)"?`, 'i').exec(challenge)?.[1] ?? '';
  const realm = param('realm');
  const nonce = param('nonce');
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const ha1 = md5(`${c.user}:${realm}:${c.password}`);
  const ha2 = md5(`${c.method}:${c.uri}`);
  const cnonce = randomBytes(6).toString('hex');
  const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`);
  return `Digest username="${c.user}", realm="${realm}", nonce="${nonce}", uri="${c.uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`;
}
