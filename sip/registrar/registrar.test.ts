import { describe, expect, it } from 'vitest';
import { computeHa1, NonceManager } from '../auth/digest.ts';
import { digestAuthorization } from '../b2bua/client-digest.ts';
import { buildSipOrg, SipDirectory } from '../directory.ts';
import { parseMessage } from '../message/parse.ts';
import { parseVia } from '../message/parsers.ts';
import type { SipRequest, SipResponse } from '../message/types.ts';
import type { RequestContext } from '../stack.ts';
import { manualTimers } from '../timers.ts';
import { TransactionLayer } from '../transaction/transaction-layer.ts';
import type { Remote } from '../transport/index.ts';
import { Authenticator } from './authenticator.ts';
import { LocationService, type Binding } from './location.ts';
import { Registrar } from './registrar.ts';

const DOMAIN = 'acme.test';
const PASSWORD = 'Phone-pass-1';
const PHONE: Remote = { transport: 'udp', address: '192.0.2.10', port: 5062 };

function rig() {
  const timers = manualTimers(1_800_000_000_000);
  const saved: Binding[] = [];
  const removed: Binding[] = [];
  const location = new LocationService({ saved: (b) => saved.push(b), removed: (b) => removed.push(b) });
  const directory = new SipDirectory();
  const ha1 = (u: string) => ({ ha1Md5: computeHa1('MD5', u, DOMAIN, PASSWORD), ha1Sha256: computeHa1('SHA-256', u, DOMAIN, PASSWORD) });
  directory.put(
    buildSipOrg({
      org: { id: 'org-1', name: 'Acme', sipDomain: DOMAIN, timeZone: 'UTC', maxOutboundCalls: 1, switchboardNumber: null },
      devices: [
        { id: 'dev-alice', userId: 'u-alice', kind: 'sip_account', enabled: true, sipUsername: 'alice', ...ha1('alice') },
        { id: 'dev-bob', userId: 'u-bob', kind: 'sip_account', enabled: true, sipUsername: 'bob', ...ha1('bob') },
      ],
      users: [],
      numberRanges: [],
      trunks: [],
    }),
  );
  const auth = new Authenticator({
    nonces: new NonceManager({ secret: Buffer.alloc(32, 7), clock: { now: () => timers.now() } }),
    guard: null,
    algorithms: ['MD5', 'SHA-256'],
    localHostPorts: () => ['127.0.0.1:5060'],
  });
  const registrar = new Registrar({ directory, location, auth, now: () => timers.now() });
  const replies: SipResponse[] = [];
  const layer = new TransactionLayer(
    {
      send: (d) => {
        replies.push(parseMessage(d) as SipResponse);
        return true;
      },
    },
    timers,
  );
  let n = 0;
  /** Sends one REGISTER and returns the response. */
  function register(
    opts: {
      user?: string;
      toUser?: string;
      contacts?: string[];
      expires?: number | null;
      authorization?: string;
      callId?: string;
      cseq?: number;
      path?: string[];
    } = {},
  ): SipResponse {
    const user = opts.user ?? 'alice';
    const lines = [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/UDP ${PHONE.address}:${PHONE.port};branch=z9hG4bKreg${++n}`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${DOMAIN}>;tag=f${n}`,
      `To: <sip:${opts.toUser ?? user}@${DOMAIN}>`,
      `Call-ID: ${opts.callId ?? 'reg-call'}`,
      `CSeq: ${opts.cseq ?? n} REGISTER`,
      ...(opts.contacts ?? [`<sip:${user}@${PHONE.address}:${PHONE.port}>`]).map((c) => `Contact: ${c}`),
      ...(opts.expires === null ? [] : [`Expires: ${opts.expires ?? 300}`]),
      ...(opts.path ?? []).map((p) => `Path: ${p}`),
      ...(opts.authorization ? [`Authorization: ${opts.authorization}`] : []),
      'Content-Length: 0',
      '',
      '',
    ];
    const req = parseMessage(Buffer.from(lines.join('\r\n'), 'latin1')) as SipRequest;
    const via = parseVia(req.headers.find((h) => h.key === 'via')!.value)!;
    const d = layer.receiveRequest(req, via, PHONE);
    if (d.kind !== 'new') throw new Error(d.kind);
    const ctx: RequestContext = { remote: PHONE, local: { transport: 'udp', address: '127.0.0.1', port: 5060 }, via, replyTo: PHONE };
    registrar.handle(req, d.tx, ctx);
    return replies[replies.length - 1]!;
  }
  /** Registers with credentials: first the challenge, then the answer to it. */
  function registerAuthed(opts: Parameters<typeof register>[0] & { password?: string; algorithm?: 'MD5' | 'SHA-256' } = {}): SipResponse {
    const challenge = register({ ...opts, authorization: undefined });
    expect(challenge.status).toBe(401);
    const values = challenge.headers.filter((h) => h.key === 'www-authenticate').map((h) => h.value);
    const value = values.find((v) => v.includes(`algorithm=${opts.algorithm ?? 'MD5'}`))!;
    const authorization = digestAuthorization(value, {
      username: opts.user ?? 'alice',
      password: opts.password ?? PASSWORD,
      method: 'REGISTER',
      uri: `sip:${DOMAIN}`,
    })!;
    return register({ ...opts, authorization });
  }
  const contacts = (r: SipResponse) => r.headers.filter((h) => h.key === 'contact').map((h) => h.value);
  return { timers, location, register, registerAuthed, contacts, saved, removed };
}

describe('registrar (RFC 3261 §10.3 with RFC 8760 digest)', () => {
  it('challenges with MD5 first, then SHA-256, each in its own header field', () => {
    const r = rig().register();
    expect(r.status).toBe(401);
    const values = r.headers.filter((h) => h.key === 'www-authenticate').map((h) => h.value);
    expect(values).toHaveLength(2);
    expect(values[0]).toMatch(/^Digest realm="acme\.test", nonce="[^"]+".*algorithm=MD5, qop="auth"/);
    expect(values[1]).toContain('algorithm=SHA-256');
  });

  it('registers with MD5 and with SHA-256 and lists the binding with its expiry', () => {
    const t = rig();
    const r = t.registerAuthed({ expires: 600 });
    expect(r.status).toBe(200);
    expect(t.contacts(r)).toEqual(['<sip:alice@192.0.2.10:5062>;expires=600']);
    const s = t.registerAuthed({ user: 'bob', algorithm: 'SHA-256' });
    expect(s.status).toBe(200);
    expect(t.location.size()).toBe(2);
    expect(t.saved.map((b) => b.aor)).toEqual(['sip:alice@acme.test', 'sip:bob@acme.test']);
  });

  it('keeps several contacts per address and answers a query with all of them', () => {
    const t = rig();
    t.registerAuthed({ contacts: ['<sip:alice@192.0.2.10:5062>', '<sip:alice@192.0.2.10:5064>;expires=120'] });
    const q = t.registerAuthed({ contacts: [], expires: null });
    expect(q.status).toBe(200);
    expect(t.contacts(q)).toEqual(['<sip:alice@192.0.2.10:5062>;expires=300', '<sip:alice@192.0.2.10:5064>;expires=120']);
  });

  it('removes every binding for Contact: * with Expires: 0, and refuses * with another expiry', () => {
    const t = rig();
    t.registerAuthed({ contacts: ['<sip:alice@192.0.2.10:5062>', '<sip:alice@192.0.2.10:5064>'] });
    expect(t.registerAuthed({ contacts: ['*'], expires: 300, callId: 'other' }).status).toBe(400);
    const r = t.registerAuthed({ contacts: ['*'], expires: 0, callId: 'other' });
    expect(r.status).toBe(200);
    expect(t.contacts(r)).toEqual([]);
    expect(t.removed).toHaveLength(2);
  });

  it('answers 423 with Min-Expires for an interval under 60 s and caps long ones at 3600 s', () => {
    const t = rig();
    const short = t.registerAuthed({ expires: 30 });
    expect(short.status).toBe(423);
    expect(short.headers.find((h) => h.key === 'min-expires')?.value).toBe('60');
    expect(t.contacts(t.registerAuthed({ expires: 86_400 }))).toEqual(['<sip:alice@192.0.2.10:5062>;expires=3600']);
  });

  it('forgets a binding when it expires', () => {
    const t = rig();
    t.registerAuthed({ expires: 120 });
    expect(t.location.lookup('dev-alice', t.timers.now())).toHaveLength(1);
    t.timers.advance(120_001);
    expect(t.location.lookup('dev-alice', t.timers.now())).toHaveLength(0);
  });

  it('keeps the Path of a REGISTER that came through an edge proxy (RFC 3327)', () => {
    const t = rig();
    t.registerAuthed({ path: ['<sip:edge1.example.net;lr>', '<sip:edge2.example.net;lr>'] });
    expect(t.location.lookup('dev-alice', t.timers.now())[0]!.path).toEqual(['<sip:edge1.example.net;lr>', '<sip:edge2.example.net;lr>']);
  });

  it('refuses credentials of one device for another address of record (403)', () => {
    const r = rig().registerAuthed({ user: 'alice', toUser: 'bob' });
    expect(r.status).toBe(403);
  });

  it('gives an unknown account and a wrong password the same challenge (the unknown domain is covered end to end in sip-security)', () => {
    const t = rig();
    const wrong = t.registerAuthed({ password: 'not-it-2026' });
    const unknown = (() => {
      const c = t.register({ user: 'mallory' });
      const v = c.headers.find((h) => h.key === 'www-authenticate')!.value;
      return t.register({
        user: 'mallory',
        authorization: digestAuthorization(v, { username: 'mallory', password: 'x', method: 'REGISTER', uri: `sip:${DOMAIN}` })!,
      });
    })();
    const shape = (r: SipResponse) => ({
      status: r.status,
      reason: r.reason,
      challenges: r.headers.filter((h) => h.key === 'www-authenticate').map((h) => h.value.replace(/nonce="[^"]+"/, 'nonce=""')),
    });
    expect(shape(unknown)).toEqual(shape(wrong));
    expect(shape(wrong).status).toBe(401);
  });

  it('refuses a replayed Authorization (same nonce count)', () => {
    const t = rig();
    const c = t.register();
    const v = c.headers.find((h) => h.key === 'www-authenticate')!.value;
    const authorization = digestAuthorization(v, { username: 'alice', password: PASSWORD, method: 'REGISTER', uri: `sip:${DOMAIN}` })!;
    expect(t.register({ authorization }).status).toBe(200);
    expect(t.register({ authorization }).status).toBe(401);
  });

  it('routes to the contact port when the contact is at the source address, else over the source flow (NAT)', () => {
    const t = rig();
    t.registerAuthed({ contacts: ['<sip:alice@192.0.2.10:5070>', '<sip:alice@10.1.1.1:5060>'] });
    const flows = t.location.lookup('dev-alice', t.timers.now()).map((b) => `${b.source.address}:${b.source.port}`);
    expect(flows).toEqual(['192.0.2.10:5070', '192.0.2.10:5062']);
  });
});
