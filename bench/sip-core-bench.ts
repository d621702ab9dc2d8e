/**
 * The SIP stack's own CPU per operation, without sockets: REGISTER with digest (401 + 200) and
 * a whole B2BUA call (407, INVITE with credentials, 100/180/200, ACK, BYE on both legs) driven
 * through SipServer with an in-memory transport. Separates our JavaScript cost from the kernel's
 * UDP cost that `npm run bench:sip` measures end to end.
 *   npx tsx bench/sip-core-bench.ts [registers] [calls]
 */
import { computeHa1 } from '../sip/auth/digest.ts';
import { digestAuthorization } from '../sip/b2bua/client-digest.ts';
import { buildSipOrg, SipDirectory } from '../sip/directory.ts';
import { parseMessage } from '../sip/message/parse.ts';
import { createResponse, serializeMessage } from '../sip/message/serialize.ts';
import type { SipRequest, SipResponse } from '../sip/message/types.ts';
import { SipServer } from '../sip/sip-server.ts';
import type { LocalEndpoint, Remote, SipTransport } from '../sip/transport/index.ts';

const REGISTERS = Number(process.argv[2] ?? 20000);
const CALLS = Number(process.argv[3] ?? 10000);
const DOMAIN = 'bench.vaxel.test';
const USERS = 2000;

const outbox: Array<{ data: Buffer; to: Remote }> = [];
const local: LocalEndpoint = { transport: 'udp', address: '127.0.0.1', port: 5060 };
const fakeTransport = (): SipTransport => ({
  start: async () => {},
  endpoints: () => [local],
  send: (data, to) => {
    outbox.push({ data, to });
    return true;
  },
  close: async () => {},
  stats: () => ({}),
});

const devices = [];
const users = [];
for (let i = 0; i < USERS; i++) {
  devices.push({
    id: `dev-${i}`,
    userId: `user-${i}`,
    kind: 'sip_account',
    enabled: true,
    sipUsername: `u${i}`,
    ha1Md5: computeHa1('MD5', `u${i}`, DOMAIN, 'secret'),
    ha1Sha256: computeHa1('SHA-256', `u${i}`, DOMAIN, 'secret'),
  });
  users.push({ id: `user-${i}`, displayName: `u${i}`, callerId: null, lines: [{ slot: 'primary' as const, number: String(10000 + i), aliasExtension: null }] });
}
devices.push({
  id: 'dev-uas',
  userId: 'user-uas',
  kind: 'sip_account',
  enabled: true,
  sipUsername: 'uas',
  ha1Md5: computeHa1('MD5', 'uas', DOMAIN, 'secret'),
  ha1Sha256: '',
});
users.push({ id: 'user-uas', displayName: 'uas', callerId: null, lines: [] });
const directory = new SipDirectory();
directory.put(
  buildSipOrg({
    org: { id: 'org', name: 'bench', sipDomain: DOMAIN, timeZone: 'UTC', maxOutboundCalls: 10, switchboardNumber: null },
    devices,
    users,
    numberRanges: [],
    trunks: [],
  }),
);
const server = new SipServer({
  transport: { host: '127.0.0.1', udpPort: 5060 },
  createTransport: fakeTransport,
  directory,
  nonceSecret: Buffer.alloc(32, 1),
  bindings: null,
  cdr: { record: () => {} },
  guard: { trustedAddresses: ['127.0.0.1'] },
});
await server.start();

let serverNs = 0n;
function deliver(text: string | Buffer, from: Remote): Array<{ msg: SipRequest | SipResponse; to: Remote }> {
  const data = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  outbox.length = 0;
  const t0 = process.hrtime.bigint();
  server.stack.receive(data, from, local);
  serverNs += process.hrtime.bigint() - t0;
  return outbox.map((o) => ({ msg: parseMessage(o.data) as SipRequest | SipResponse, to: o.to }));
}
const header = (m: SipRequest | SipResponse, key: string) => m.headers.find((h) => h.key === key)?.value ?? '';

// ---- REGISTER ----
const phone: Remote = { transport: 'udp', address: '127.0.0.1', port: 17000 };
function register(i: number, n: number): void {
  const user = `u${i % USERS}`;
  const base = (cseq: number, auth?: string) =>
    `REGISTER sip:${DOMAIN} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:17000;branch=z9hG4bK-r${n}-${cseq};rport\r\nMax-Forwards: 70\r\nFrom: <sip:${user}@${DOMAIN}>;tag=${n}\r\nTo: <sip:${user}@${DOMAIN}>\r\nCall-ID: reg-${n}\r\nCSeq: ${cseq} REGISTER\r\nContact: <sip:${user}@127.0.0.1:17000;transport=UDP>\r\nExpires: 3600\r\nUser-Agent: sipp-bench\r\n${auth ? `Authorization: ${auth}\r\n` : ''}Content-Length: 0\r\n\r\n`;
  const [challenge] = deliver(base(1), phone);
  const www = header(challenge!.msg, 'www-authenticate');
  const auth = digestAuthorization(www, { username: user, password: 'secret', method: 'REGISTER', uri: `sip:127.0.0.1:5060` })!;
  const [ok] = deliver(base(2, auth), phone);
  if ((ok!.msg as SipResponse).status !== 200) throw new Error(`REGISTER got ${(ok!.msg as SipResponse).status}`);
}
for (let i = 0; i < 2000; i++) register(i, i); // warm-up
serverNs = 0n;
const rt0 = process.cpuUsage();
for (let i = 0; i < REGISTERS; i++) register(i, 10_000 + i);
const regWallCpu = process.cpuUsage(rt0);
const registerUs = Number(serverNs) / 1000 / REGISTERS;

// ---- calls: SIPp-like UAC u<n> → Vaxel → UAS registered as 'uas' ----
const uas: Remote = { transport: 'udp', address: '127.0.0.1', port: 18000 };
{
  const reg = (cseq: number, auth?: string) =>
    `REGISTER sip:${DOMAIN} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:18000;branch=z9hG4bK-uas${cseq};rport\r\nMax-Forwards: 70\r\nFrom: <sip:uas@${DOMAIN}>;tag=uas\r\nTo: <sip:uas@${DOMAIN}>\r\nCall-ID: uas-reg\r\nCSeq: ${cseq} REGISTER\r\nContact: <sip:uas@127.0.0.1:18000>\r\nExpires: 3600\r\n${auth ? `Authorization: ${auth}\r\n` : ''}Content-Length: 0\r\n\r\n`;
  const [c] = deliver(reg(1), uas);
  deliver(
    reg(2, digestAuthorization(header(c!.msg, 'www-authenticate'), { username: 'uas', password: 'secret', method: 'REGISTER', uri: `sip:${DOMAIN}` })!),
    uas,
  );
}
const caller: Remote = { transport: 'udp', address: '127.0.0.1', port: 16000 };
const SDP =
  'v=0\r\no=sipp 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n';
function call(n: number): void {
  const user = `u${n % 100}`;
  const inv = (cseq: number, auth?: string) =>
    `INVITE sip:uas@${DOMAIN} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:16000;branch=z9hG4bK-c${n}-${cseq};rport\r\nMax-Forwards: 70\r\nFrom: "${user}" <sip:${user}@${DOMAIN}>;tag=${n}I\r\nTo: <sip:uas@${DOMAIN}>\r\nCall-ID: call-${n}\r\nCSeq: ${cseq} INVITE\r\nContact: <sip:${user}@127.0.0.1:16000;transport=UDP>\r\nAllow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\nUser-Agent: sipp-bench\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}Content-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`;
  const [challenge] = deliver(inv(1), caller);
  const ch = challenge!.msg as SipResponse;
  deliver(
    `ACK sip:uas@${DOMAIN} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:16000;branch=z9hG4bK-c${n}-1;rport\r\nMax-Forwards: 70\r\nFrom: "${user}" <sip:${user}@${DOMAIN}>;tag=${n}I\r\nTo: ${header(ch, 'to')}\r\nCall-ID: call-${n}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n`,
    caller,
  );
  const auth = digestAuthorization(header(ch, 'proxy-authenticate'), { username: user, password: 'secret', method: 'INVITE', uri: `sip:uas@${DOMAIN}` })!;
  const out = deliver(inv(2, auth), caller);
  const bInvite = out.find((o) => (o.msg as SipRequest).method === 'INVITE')!.msg as SipRequest;
  const ringing = serializeMessage(createResponse(bInvite, 180, 'Ringing', { toTag: `b${n}`, headers: [['Contact', '<sip:uas@127.0.0.1:18000>']] }));
  deliver(ringing, uas);
  const ok = serializeMessage(
    createResponse(bInvite, 200, 'OK', {
      toTag: `b${n}`,
      headers: [['Contact', '<sip:uas@127.0.0.1:18000>']],
      body: Buffer.from(SDP),
      contentType: 'application/sdp',
    }),
  );
  const toA = deliver(ok, uas);
  const aOk = toA[0]!.msg as SipResponse;
  const aTo = header(aOk, 'to');
  const bAck = deliver(
    `ACK sip:vaxel@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:16000;branch=z9hG4bK-c${n}-ack;rport\r\nMax-Forwards: 70\r\nFrom: "${user}" <sip:${user}@${DOMAIN}>;tag=${n}I\r\nTo: ${aTo}\r\nCall-ID: call-${n}\r\nCSeq: 2 ACK\r\nContent-Length: 0\r\n\r\n`,
    caller,
  );
  if (bAck.length !== 1) throw new Error('no ACK to B');
  const bye = deliver(
    `BYE sip:vaxel@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:16000;branch=z9hG4bK-c${n}-bye;rport\r\nMax-Forwards: 70\r\nFrom: "${user}" <sip:${user}@${DOMAIN}>;tag=${n}I\r\nTo: ${aTo}\r\nCall-ID: call-${n}\r\nCSeq: 10 BYE\r\nContent-Length: 0\r\n\r\n`,
    caller,
  );
  const bBye = bye.find((o) => (o.msg as SipRequest).method === 'BYE')!.msg as SipRequest;
  deliver(serializeMessage(createResponse(bBye, 200, 'OK')), uas);
}
for (let i = 0; i < 1000; i++) call(i);
serverNs = 0n;
const ct0 = process.cpuUsage();
for (let i = 0; i < CALLS; i++) call(100_000 + i);
const callWallCpu = process.cpuUsage(ct0);
const callUs = Number(serverNs) / 1000 / CALLS;
await server.close();

console.log(
  `REGISTER with digest (401 + 200): ${registerUs.toFixed(1)} µs of server time each (${REGISTERS} runs; whole loop incl. client ${((regWallCpu.user + regWallCpu.system) / REGISTERS).toFixed(1)} µs CPU)`,
);
console.log(
  `B2BUA call (407, INVITE, 180, 200, ACK, BYE on both legs): ${callUs.toFixed(1)} µs of server time each (${CALLS} runs; incl. client ${((callWallCpu.user + callWallCpu.system) / CALLS).toFixed(1)} µs)`,
);
console.log(JSON.stringify({ bench: 'sip-core', register_us: Number(registerUs.toFixed(1)), call_us: Number(callUs.toFixed(1)) }));
