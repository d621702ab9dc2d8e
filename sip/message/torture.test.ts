import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkRequestAsElement,
  createResponse,
  getHeader,
  getHeaderValues,
  isParseFailure,
  parseAuthHeader,
  parseContacts,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  percentDecode,
  serializeMessage,
  splitList,
  unquote,
  validateRequest,
  validateResponse,
  wireToUtf8,
} from './index.ts';
import type { NameAddr, ParseFailure, SipMessage, SipRequest, SipResponse } from './index.ts';

/** RFC 4475 and RFC 5118 Appendix A messages, byte-exact (see its README.md). */
const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'sip-torture');

const ELEMENT = {
  knownMethods: new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'UPDATE', 'PRACK', 'REFER', 'NOTIFY', 'SUBSCRIBE', 'MESSAGE']),
  supportedExtensions: new Set(['replaces', 'path', 'outbound', 'gruu', 'timer', '100rel', 'norefersub']),
  acceptedContentTypes: new Set(['application/sdp']),
};

type Stage = 'parse' | 'validate' | 'element';
/** 'accept': parse, validate and the element checks all pass. [stage, action, status]: the first stage that refuses, and how. */
type Outcome = 'accept' | 'no-throw' | [Stage, 'reply' | 'drop', number];

interface Row {
  file: string;
  expect: Outcome;
  /** For an 'invalid' file we accept: the RFC text that allows it. */
  rfcAllowsAccept?: string;
}

/**
 * The expected outcome of every corpus file (RFC 4475 section in index.tsv; RFC 5118 files come in
 * the archive's LF form and the CRLF wire form, with the same outcome).
 */
const TABLE: Row[] = [
  // RFC 4475 §3.1.1: valid messages
  { file: 'wsinv.dat', expect: 'accept' },
  { file: 'intmeth.dat', expect: ['element', 'reply', 501] }, // unknown method: endpoint replies 501
  { file: 'esc01.dat', expect: 'accept' },
  { file: 'escnull.dat', expect: 'accept' },
  { file: 'esc02.dat', expect: ['element', 'reply', 501] }, // RE%47IST%45R is not REGISTER
  { file: 'lwsdisp.dat', expect: 'accept' },
  { file: 'longreq.dat', expect: 'accept' },
  { file: 'dblreq.dat', expect: 'accept' },
  { file: 'semiuri.dat', expect: 'accept' },
  { file: 'transports.dat', expect: 'accept' },
  { file: 'mpart01.dat', expect: 'accept' },
  { file: 'unreason.dat', expect: 'accept' },
  { file: 'noreason.dat', expect: 'accept' },
  // §3.1.2: invalid messages
  { file: 'badinv01.dat', expect: ['validate', 'reply', 400] },
  { file: 'clerr.dat', expect: ['parse', 'reply', 400] },
  { file: 'ncl.dat', expect: ['parse', 'reply', 400] },
  { file: 'scalar02.dat', expect: ['validate', 'reply', 400] },
  { file: 'scalarlg.dat', expect: ['validate', 'drop', 400] }, // a response: discard
  { file: 'quotbal.dat', expect: ['validate', 'reply', 400] },
  { file: 'ltgtruri.dat', expect: ['validate', 'reply', 400] },
  { file: 'lwsruri.dat', expect: ['validate', 'reply', 400] },
  { file: 'lwsstart.dat', expect: ['validate', 'reply', 400] },
  { file: 'trws.dat', expect: ['parse', 'reply', 400] },
  { file: 'escruri.dat', expect: ['validate', 'reply', 400] },
  {
    file: 'baddate.dat',
    expect: 'accept',
    rfcAllowsAccept: '§3.1.2.12: an element may ignore or convert a non-GMT Date when Date does not matter to it (it does not here)',
  },
  { file: 'regbadct.dat', expect: ['validate', 'reply', 400] },
  { file: 'badaspec.dat', expect: ['validate', 'reply', 400] },
  { file: 'baddn.dat', expect: ['validate', 'reply', 400] },
  { file: 'badvers.dat', expect: ['validate', 'reply', 505] },
  { file: 'mismatch01.dat', expect: ['validate', 'reply', 400] },
  { file: 'mismatch02.dat', expect: ['validate', 'reply', 400] }, // §3.1.2.18: 501 preferred, 400 acceptable; see validate.ts
  { file: 'bigcode.dat', expect: ['validate', 'drop', 400] }, // a response: discard
  // §3.2, §3.3: transaction and application layer
  { file: 'badbranch.dat', expect: ['validate', 'reply', 400] },
  { file: 'insuf.dat', expect: ['validate', 'reply', 400] },
  { file: 'unkscm.dat', expect: ['element', 'reply', 416] },
  { file: 'novelsc.dat', expect: ['element', 'reply', 416] },
  { file: 'unksm2.dat', expect: ['element', 'reply', 400] }, // a registrar: To must be a SIP/SIPS AOR
  { file: 'bext01.dat', expect: ['element', 'reply', 420] },
  { file: 'invut.dat', expect: ['element', 'reply', 415] },
  { file: 'regaut01.dat', expect: 'accept' }, // the registrar's digest check answers 401, not this layer
  { file: 'multi01.dat', expect: ['validate', 'reply', 400] },
  { file: 'mcl01.dat', expect: ['parse', 'reply', 400] },
  { file: 'bcast.dat', expect: 'accept' }, // a response; where it goes is the transaction layer's business
  { file: 'zeromf.dat', expect: 'accept' }, // Max-Forwards 0 only matters when forwarding
  { file: 'cparam01.dat', expect: 'accept' },
  { file: 'cparam02.dat', expect: 'accept' },
  { file: 'regescrt.dat', expect: 'accept' },
  { file: 'sdp01.dat', expect: ['element', 'reply', 406] },
  { file: 'inv2543.dat', expect: 'accept' },
  { file: 'test.dat', expect: 'no-throw' }, // not an RFC test case
  // RFC 5118
  ...[
    ['ipv6-good', 'accept'],
    ['ipv6-bad', ['validate', 'reply', 400]],
    ['port-ambiguous', 'accept'],
    ['port-unambiguous', 'accept'],
    ['via-received-param-with-delim', 'accept'],
    ['via-received-param-no-delim', 'accept'],
    ['ipv6-in-sdp', 'accept'],
    ['mult-ip-in-header', 'accept'],
    ['mult-ip-in-sdp', 'accept'],
    ['ipv4-mapped-ipv6', 'accept'],
    ['ipv6-bug-abnf-3-colons', 'accept'],
    ['ipv6-correct-abnf-2-colons', 'accept'],
  ].flatMap(([name, expect]) => [
    { file: `rfc5118/${name as string}`, expect: expect as Outcome },
    { file: `rfc5118/wire/${name as string}.dat`, expect: expect as Outcome },
  ]),
  // variants/: the RFC archive's baddn.dat with its final empty line restored
  { file: 'variants/baddn.crlf-fixed.dat', expect: ['validate', 'reply', 400] },
];

interface IndexRow {
  file: string;
  validity: string;
  section: string;
  must: string;
}

function readIndex(): IndexRow[] {
  return readFileSync(join(CORPUS, 'index.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [file, validity, section, , must] = l.split('\t');
      return { file: file!, validity: validity!, section: section!, must: must! };
    });
}

function corpusFiles(): string[] {
  const variants = readdirSync(join(CORPUS, 'variants')).map((f) => `variants/${f}`);
  return [...readIndex().map((r) => r.file), ...variants];
}

function load(file: string): Buffer {
  return readFileSync(join(CORPUS, file));
}

interface Run {
  stage: Stage | 'accept';
  failure: ParseFailure | null;
  message: SipMessage | null;
}

function run(buf: Buffer): Run {
  const parsed = parseMessage(buf);
  if (isParseFailure(parsed)) return { stage: 'parse', failure: parsed, message: parsed.message ?? null };
  if (parsed.kind === 'response') {
    const v = validateResponse(parsed);
    return v === null ? { stage: 'accept', failure: null, message: parsed } : { stage: 'validate', failure: v, message: parsed };
  }
  const v = validateRequest(parsed);
  if (v !== null) return { stage: 'validate', failure: v, message: parsed };
  const e = checkRequestAsElement(parsed, ELEMENT);
  if (e !== null) return { stage: 'element', failure: e, message: parsed };
  return { stage: 'accept', failure: null, message: parsed };
}

function accepted(file: string): SipMessage {
  const r = run(load(file));
  expect(r.stage, `${file}: ${r.failure?.reason ?? ''}`).toBe('accept');
  return r.message!;
}

function request(file: string): SipRequest {
  const m = parseMessage(load(file));
  if (isParseFailure(m) || m.kind !== 'request') throw new Error(`${file} is not a parsed request`);
  return m;
}

function nameAddr(m: SipMessage, key: string): NameAddr {
  const na = parseNameAddr(getHeader(m, key) ?? '');
  if (na === null) throw new Error(`${key} does not parse`);
  return na;
}

/** Everything a caller might do with a message; none of it may throw, whatever the bytes. */
function exercise(buf: Buffer): void {
  const parsed = parseMessage(buf);
  const m = isParseFailure(parsed) ? parsed.message : parsed;
  if (m === undefined) return;
  if (m.kind === 'request') {
    validateRequest(m);
    checkRequestAsElement(m, ELEMENT);
    parseUri(m.uri);
    createResponse(m, 400, 'Bad Request', { toTag: 'x1' });
  } else validateResponse(m);
  for (const h of m.headers) {
    for (const v of splitList(h.value)) {
      if (h.key === 'via') parseVia(v);
      if (h.key === 'route' || h.key === 'record-route') parseNameAddr(v);
    }
    if (h.key === 'from' || h.key === 'to') parseNameAddr(h.value);
    if (h.key === 'contact') parseContacts(h.value);
    if (h.key === 'cseq') parseCSeq(h.value);
    if (h.key === 'authorization' || h.key === 'www-authenticate') parseAuthHeader(h.value);
  }
  serializeMessage(m);
}

/** mulberry32: a small seeded PRNG, so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = Buffer.from('\r\n \t:;,"<>\\%@[]=/?*\x00\xff0', 'latin1');

function mutate(buf: Buffer, rnd: () => number): Buffer {
  const at = Math.floor(rnd() * (buf.length + 1));
  const byte = rnd() < 0.5 ? INTERESTING[Math.floor(rnd() * INTERESTING.length)]! : Math.floor(rnd() * 256);
  switch (Math.floor(rnd() * 6)) {
    case 0: {
      const out = Buffer.from(buf);
      if (at < out.length) out[at] = byte;
      return out;
    }
    case 1:
      return Buffer.concat([buf.subarray(0, at), Buffer.from([byte]), buf.subarray(at)]);
    case 2:
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + Math.floor(rnd() * 8))]);
    case 3: {
      const len = Math.floor(rnd() * 64);
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at, at + len), buf.subarray(at)]);
    }
    case 4:
      return Buffer.from(buf.toString('latin1').replace(/\r\n/g, rnd() < 0.5 ? '\n' : '\r'), 'latin1');
    default: {
      const out = Buffer.from(buf);
      for (let i = 0; i < 4; i++) out[Math.floor(rnd() * out.length)] = INTERESTING[Math.floor(rnd() * INTERESTING.length)]!;
      return out;
    }
  }
}

describe('RFC 4475 / RFC 5118 torture corpus', () => {
  it('has an expected outcome for every file in index.tsv and variants/, and no other', () => {
    expect(TABLE.map((r) => r.file).sort()).toEqual(corpusFiles().sort());
  });

  it('refuses every file index.tsv calls invalid and accepts (or answers at the element) every valid one', () => {
    for (const row of readIndex()) {
      const t = TABLE.find((r) => r.file === row.file)!;
      if (t.expect === 'no-throw') continue;
      if (row.validity === 'valid') {
        expect(t.expect === 'accept' || t.expect[0] === 'element', `${row.file} is valid (${row.must})`).toBe(true);
      } else if (t.expect === 'accept') {
        expect(t.rfcAllowsAccept, `${row.file} is invalid (${row.must})`).toBeTruthy();
      } else {
        expect([400, 505], `${row.file}: ${row.must}`).toContain(t.expect[2]);
      }
    }
  });

  for (const row of TABLE) {
    const label =
      row.expect === 'accept' ? 'accepts' : row.expect === 'no-throw' ? 'survives' : `${row.expect[1] === 'drop' ? 'drops' : `answers ${row.expect[2]} to`}`;
    it(`${label} ${row.file}`, () => {
      const buf = load(row.file);
      const r = run(buf);
      if (row.expect === 'no-throw') return;
      if (row.expect === 'accept') {
        expect(r.stage, r.failure?.reason).toBe('accept');
        return;
      }
      const [stage, action, status] = row.expect;
      expect({ stage: r.stage, action: r.failure?.action, status: r.failure?.status }, r.failure?.reason).toEqual({ stage, action, status });
      expect(r.failure!.reason.length).toBeGreaterThan(0);
      if (action === 'reply') expect(r.failure!.message).toBeDefined();
    });
  }

  it('gives reasons that name the defect', () => {
    const reason = (f: string): string => run(load(f)).failure!.reason;
    expect(reason('mismatch01.dat')).toBe('Bad Request: CSeq method does not match the request method');
    expect(reason('scalar02.dat')).toBe('Bad Request: CSeq number exceeds 2^32-1');
    expect(reason('clerr.dat')).toBe('Bad Request: Content-Length larger than the message');
    expect(reason('ncl.dat')).toBe('Bad Request: malformed Content-Length');
    expect(reason('mcl01.dat')).toBe('Bad Request: conflicting Content-Length values');
    expect(reason('multi01.dat')).toMatch(/^Bad Request: more than one /);
    expect(reason('insuf.dat')).toBe('Bad Request: missing Call-ID');
    expect(reason('ltgtruri.dat')).toBe('Bad Request: Request-URI enclosed in <>');
    expect(reason('lwsruri.dat')).toBe('Bad Request: whitespace in the Request-URI');
    expect(reason('lwsstart.dat')).toBe('Bad Request: more than one SP between Request-Line elements');
    expect(reason('trws.dat')).toBe('Bad Request: whitespace at the end of the Request-Line');
    expect(reason('escruri.dat')).toBe('Bad Request: escaped headers in a SIP Request-URI');
    expect(reason('regbadct.dat')).toBe('Bad Request: malformed Contact');
    expect(reason('badaspec.dat')).toBe('Bad Request: malformed To');
    expect(reason('quotbal.dat')).toBe('Bad Request: malformed To');
    expect(reason('baddn.dat')).toBe('Bad Request: malformed From');
    expect(reason('badinv01.dat')).toBe('Bad Request: malformed Via');
    expect(reason('badvers.dat')).toBe('Version Not Supported');
    expect(reason('badbranch.dat')).toBe('Bad Request: Via branch is only the magic cookie z9hG4bK');
    expect(reason('rfc5118/wire/ipv6-bad.dat')).toBe('Bad Request: IPv6 host in the Request-URI is not enclosed in []');
  });

  describe('parsed values match the RFC text', () => {
    it('wsinv.dat: folding, LWS around : and ;, escaped quotes, leading zeros, opaque unknown headers', () => {
      const m = accepted('wsinv.dat');
      expect(Number(getHeader(m, 'max-forwards'))).toBe(68);
      expect(parseCSeq(getHeader(m, 'cseq')!)).toEqual({ seq: 9, method: 'INVITE' });
      expect(nameAddr(m, 'from').displayName).toBe('J Rosenberg \\"');
      expect(nameAddr(m, 'from').params.get('tag')).toBe('98asjd8');
      expect(nameAddr(m, 'to').params.get('tag')).toBe('1918181833n');
      expect(getHeader(m, 'subject')).toBe('');
      expect(getHeader(m, 'unknownheaderwithunusualvalue')).toBe(';;,,;;,;');
      expect(getHeader(m, 'newfangledheader')).toBe('newfangled value continued newfangled value');
      const vias = getHeaderValues(m, 'via').map((v) => parseVia(v)!);
      expect(vias.map((v) => [v.transport, v.host, v.params.get('branch')])).toEqual([
        ['UDP', '192.0.2.2', '390skdjuw'],
        ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
        ['UDP', '192.168.255.111', 'z9hG4bK30239'],
      ]);
      const contact = parseContacts(getHeader(m, 'contact')!) as NameAddr[];
      expect(contact).toHaveLength(1);
      expect(contact[0]!.displayName).toBe('Quoted string ""');
      expect([...contact[0]!.params]).toEqual([
        ['newparam', 'newvalue'],
        ['secondparam', null],
        ['q', '0.33'],
      ]);
      expect(parseUri((m as SipRequest).uri)!.params.get('unknownparam')).toBeNull();
      expect(m.body.length).toBe(150);
    });

    it('intmeth.dat: an unknown token method, quoted NUL/BEL/DEL, UTF-8 parameter', () => {
      const m = request('intmeth.dat');
      expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
      const uri = parseUri(m.uri)!;
      expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
      expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
      expect(uri.host).toBe('example.com');
      expect(nameAddr(m, 'to').displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
      const from = nameAddr(m, 'from');
      expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
      expect(wireToUtf8(unquote(from.params.get("fromparam''~+*_!.-%")!))).toBe('работающий');
      expect(from.params.get('tag')).toBe("_token~1'+`*%!-.");
      expect(wireToUtf8(getHeader(m, "extensionheader-!.%*+_`'~")!)).toBe('\ufeff大停電');
      expect(validateRequest(m)).toBeNull();
    });

    it('esc01.dat: escapes decode once, only where escaping is legal', () => {
      const m = accepted('esc01.dat') as SipRequest;
      expect(percentDecode(parseUri(m.uri)!.user!)).toBe('sips:user@example.com');
      expect(parseUri(m.uri)!.host).toBe('example.net');
      expect(percentDecode(nameAddr(m, 'to').uri.user!)).toBe('user');
      expect(percentDecode(nameAddr(m, 'from').uri.user!)).toBe('I have spaces');
      const c = (parseContacts(getHeader(m, 'contact')!) as NameAddr[])[0]!;
      expect(percentDecode(c.uri.user!)).toBe('caller');
      expect([...c.uri.params].map(([k, v]) => [percentDecode(k), v === null ? null : percentDecode(v)])).toEqual([
        ['lr', null],
        ['name', 'value%41'],
      ]);
    });

    it('escnull.dat: %00 does not truncate, and the two contacts stay distinct', () => {
      const m = accepted('escnull.dat');
      const aor = nameAddr(m, 'to').uri.user!;
      expect(aor).toBe('null-%00-null');
      expect(percentDecode(aor)).toBe('null-\x00-null');
      const contacts = getHeaderValues(m, 'contact').map((v) => parseNameAddr(v)!.uri.user!);
      expect(contacts).toEqual(['%00', '%00%00']);
      expect(contacts.map((u) => percentDecode(u).length)).toEqual([1, 2]);
    });

    it('esc02.dat: % that is not an escape; exactly two Contact values', () => {
      const m = request('esc02.dat');
      expect(m.method).toBe('RE%47IST%45R');
      expect(m.method).not.toBe('REGISTER');
      expect(nameAddr(m, 'to').displayName).toBe('%Z%45');
      expect(getHeaderValues(m, 'contact')).toEqual(['<sip:alias1@host1.example.com>', '<sip:alias3@host3.example.com>']);
      expect(getHeader(m, 'c%6fntact')).toBe('<sip:alias2@host2.example.com>');
      expect(validateRequest(m)).toBeNull();
    });

    it('lwsdisp.dat: a display name right against <', () => {
      expect(nameAddr(accepted('lwsdisp.dat'), 'from').displayName).toBe('caller');
    });

    it('longreq.dat: long values and 34 Via values under every spelling of Via', () => {
      const m = accepted('longreq.dat');
      const to = nameAddr(m, 'to');
      expect(to.displayName).toBe('I have a user name of extremeextremeextremeextremeextremeextremeextremeextremeextremeextreme proportion');
      expect(to.uri.port).toBe(6000);
      expect(to.uri.params.size).toBe(3);
      expect(nameAddr(m, 'from').params.get('tag')).toHaveLength(155);
      const vias = getHeaderValues(m, 'via');
      expect(vias).toHaveLength(34);
      expect(vias.every((v) => parseVia(v)?.transport === 'TCP')).toBe(true);
      expect(parseVia(vias[33]!)!.params.get('received')).toBe('192.0.2.5');
      expect(getHeader(m, 'call-id')).toMatch(/^longreq\.one(really){20}longcallid$/);
      expect(m.body.length).toBe(150);
    });

    it('dblreq.dat: the octets after Content-Length are ignored', () => {
      const m = accepted('dblreq.dat') as SipRequest;
      expect(m.method).toBe('REGISTER');
      expect(m.body.length).toBe(0);
      expect(m.headers).toHaveLength(8);
      expect(getHeader(m, 'call-id')).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    });

    it('semiuri.dat: ; in the Request-URI user part', () => {
      const m = accepted('semiuri.dat') as SipRequest;
      const uri = parseUri(m.uri)!;
      expect(uri.user).toBe('user;par=u%40example.net');
      expect(percentDecode(uri.user!)).toBe('user;par=u@example.net');
      expect(uri.host).toBe('example.com');
      expect(uri.params.size).toBe(0);
      expect(getHeaderValues(m, 'accept')).toHaveLength(6);
    });

    it('transports.dat: unknown transports are kept', () => {
      const vias = getHeaderValues(accepted('transports.dat'), 'via').map((v) => parseVia(v)!.transport);
      expect(vias).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    });

    it('mpart01.dat: a binary body framed exactly by Content-Length', () => {
      const buf = load('mpart01.dat');
      const m = accepted('mpart01.dat');
      expect(m.body.length).toBe(553);
      expect(m.body.equals(buf.subarray(buf.length - 553))).toBe(true);
      expect(m.body.includes(0)).toBe(true);
    });

    it('unreason.dat and noreason.dat: UTF-8 and empty reason phrases', () => {
      const u = accepted('unreason.dat') as SipResponse;
      expect(u.status).toBe(200);
      expect(wireToUtf8(u.reason)).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
      const n = accepted('noreason.dat') as SipResponse;
      expect(n.status).toBe(100);
      expect(n.reason).toBe('');
    });

    it('inv2543.dat: without Content-Length the body is the rest of the datagram', () => {
      const m = accepted('inv2543.dat');
      expect(m.body.length).toBe(105);
      expect(getHeader(m, 'content-length')).toBeUndefined();
    });

    it('cparam01/02.dat and regescrt.dat: contact parameters, URI parameters and escaped headers stay apart', () => {
      const c1 = parseNameAddr(getHeader(accepted('cparam01.dat'), 'contact')!)!;
      expect([...c1.params.keys()]).toEqual(['unknownparam']);
      expect(c1.uri.params.size).toBe(0);
      const c2 = parseNameAddr(getHeader(accepted('cparam02.dat'), 'contact')!)!;
      expect([...c2.uri.params.keys()]).toEqual(['unknownparam']);
      expect(c2.params.size).toBe(0);
      const c3 = parseNameAddr(getHeader(accepted('regescrt.dat'), 'contact')!)!;
      expect(c3.uri.headers).toBe('Route=%3Csip:sip.example.com%3E');
    });

    it('regaut01.dat: an unknown Authorization scheme parses', () => {
      const a = parseAuthHeader(getHeader(accepted('regaut01.dat'), 'authorization')!)!;
      expect(a.scheme).toBe('NoOneKnowsThisScheme');
      expect([...a.params]).toEqual([['opaque-data', 'here']]);
    });

    it('bext01.dat: 420 lists the Require tags only, not Proxy-Require', () => {
      expect(run(load('bext01.dat')).failure!.unsupported).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    });

    it('unksm2.dat: unknown schemes in From, To and Contact parse', () => {
      const m = request('unksm2.dat');
      expect(validateRequest(m)).toBeNull();
      expect(nameAddr(m, 'to').uri).toMatchObject({ scheme: 'isbn', user: '2983792873', host: '' });
      expect(nameAddr(m, 'from').uri.scheme).toBe('http');
      expect(nameAddr(m, 'contact').uri.scheme).toBe('name');
    });

    it('rfc5118: IPv6 references in the Request-URI, Via and Contact', () => {
      for (const variant of ['rfc5118/', 'rfc5118/wire/']) {
        const dat = variant.endsWith('wire/') ? '.dat' : '';
        const good = accepted(`${variant}ipv6-good${dat}`) as SipRequest;
        expect(parseUri(good.uri)!.host).toBe('[2001:db8::10]');
        expect(parseVia(getHeader(good, 'via')!)!.host).toBe('[2001:db8::9:1]');
        expect(nameAddr(good, 'contact').uri.host).toBe('[2001:db8::1]');

        const ambiguous = parseUri((accepted(`${variant}port-ambiguous${dat}`) as SipRequest).uri)!;
        expect([ambiguous.host, ambiguous.port]).toEqual(['[2001:db8::10:5070]', null]);
        const unambiguous = parseUri((accepted(`${variant}port-unambiguous${dat}`) as SipRequest).uri)!;
        expect([unambiguous.host, unambiguous.port]).toEqual(['[2001:db8::10]', 5070]);

        for (const f of ['via-received-param-with-delim', 'via-received-param-no-delim']) {
          expect(parseVia(getHeader(accepted(`${variant}${f}${dat}`), 'via')!)!.params.get('received')).toBe('2001:db8::9:255');
        }
        const header = getHeaderValues(accepted(`${variant}mult-ip-in-header${dat}`), 'via').map((v) => parseVia(v)!);
        expect(header.map((v) => [v.host, v.port])).toEqual([
          ['[2001:db8::9:1]', 6050],
          ['192.0.2.1', null],
          ['[2001:db8::9:255]', null],
        ]);
        const mapped = accepted(`${variant}ipv4-mapped-ipv6${dat}`);
        expect(getHeaderValues(mapped, 'via').map((v) => [parseVia(v)!.host, parseVia(v)!.port])).toEqual([
          ['[::ffff:192.0.2.10]', 19823],
          ['[::ffff:192.0.2.2]', null],
        ]);
        expect(nameAddr(mapped, 'contact').uri.host).toBe('[::ffff:192.0.2.2]');
        expect(parseUri((accepted(`${variant}ipv6-bug-abnf-3-colons${dat}`) as SipRequest).uri)!.host).toBe('[2001:db8:::192.0.2.1]');
        expect(parseUri((accepted(`${variant}ipv6-correct-abnf-2-colons${dat}`) as SipRequest).uri)!.host).toBe('[2001:db8::192.0.2.1]');
      }
    });

    it('rfc5118 LF archive copies: bodies whose Content-Length overstates them are read leniently', () => {
      expect(accepted('rfc5118/ipv6-in-sdp').body.length).toBe(242);
      expect(accepted('rfc5118/wire/ipv6-in-sdp.dat').body.length).toBe(251);
      expect(accepted('rfc5118/mult-ip-in-sdp').body.length).toBe(180);
      expect(accepted('rfc5118/ipv4-mapped-ipv6').body.length).toBe(236);
      expect(accepted('rfc5118/ipv6-bug-abnf-3-colons').body.length).toBe(0);
    });

    it('answers with the request headers a 400 needs even when parsing failed (clerr.dat)', () => {
      const f = parseMessage(load('clerr.dat')) as ParseFailure;
      const res = createResponse(f.message as SipRequest, f.status, f.reason);
      expect(getHeader(res, 'call-id')).toBe('clerr.0ha0isndaksdjweiafasdk3');
      expect(getHeaderValues(res, 'via')).toEqual(['SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523']);
    });
  });

  it('round-trips every message it parsed: serialize then parse gives the same headers and body', () => {
    for (const file of corpusFiles()) {
      const first = parseMessage(load(file));
      if (isParseFailure(first)) continue;
      const bytes = serializeMessage(first);
      const again = parseMessage(bytes);
      expect(isParseFailure(again), file).toBe(false);
      const m = again as SipMessage;
      const strip = (x: SipMessage): Array<[string, string]> => x.headers.filter((h) => h.key !== 'content-length').map((h) => [h.name, h.value]);
      expect(strip(m), file).toEqual(strip(first));
      expect(m.body.equals(first.body), file).toBe(true);
      expect(getHeader(m, 'content-length'), file).toBe(String(first.body.length));
      expect(run(bytes).stage, file).toBe(run(load(file)).stage);
      expect(serializeMessage(m).equals(bytes), file).toBe(true);
    }
  });

  describe('robustness', () => {
    for (const file of TABLE.map((r) => r.file)) {
      it(`survives ${file} truncated at every byte offset and 2,000 seeded mutations`, () => {
        const buf = load(file);
        for (let i = 0; i <= buf.length; i++) exercise(buf.subarray(0, i));
        const seed = [...file].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7);
        const rnd = prng(seed);
        let m = buf;
        for (let i = 0; i < 2000; i++) {
          // Mostly fresh mutations of the original, sometimes compounding on the last one.
          m = mutate(rnd() < 0.7 ? buf : m, rnd);
          exercise(m);
        }
      });
    }

    it('stays linear on adversarial inputs (each finishes: no quadratic scans, no unbounded loops)', () => {
      const head = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n';
      const inputs = [
        head + 'x\r\n'.repeat(20_000) + '\r\n',
        head + 'Contact: ' + '<sip:h>,'.repeat(8_000) + '\r\n\r\n',
        head + 'Contact: ' + '"a" <sip:h>;p="q",'.repeat(3_000) + '\r\n\r\n',
        head + 'To: ' + '"'.repeat(60_000) + '\r\n\r\n',
        head + 'From: ' + '<'.repeat(60_000) + '\r\n\r\n',
        head + 'Via: ' + 'SIP/2.0/UDP h;a="b",'.repeat(3_000) + '\r\n\r\n',
        head + 'Authorization: Digest ' + 'a="b",'.repeat(10_000) + '\r\n\r\n',
        head + ' folded\r\n'.repeat(10_000) + '\r\n',
        'INVITE ' + 'sip:' + '%'.repeat(60_000) + ' SIP/2.0\r\n\r\n',
        '\r\n'.repeat(30_000),
      ];
      for (const s of inputs) exercise(Buffer.from(s, 'latin1'));
    });
  });

  it('does not grow the heap when parsing the corpus 20,000 times (child node with --expose-gc)', { timeout: 300_000 }, () => {
    const probe = join(dirname(fileURLToPath(import.meta.url)), 'torture-leak-probe.ts');
    const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', probe, '20000'], { encoding: 'utf8', cwd: join(dirname(probe), '..', '..') });
    expect(out.status, out.stderr).toBe(0);
    const line = out.stdout.trim().split('\n').pop()!;
    const r = JSON.parse(line) as { rounds: number; files: number; heapBefore: number; heapAfter: number };
    expect(r.rounds).toBe(20_000);
    expect(r.files).toBe(corpusFiles().length);
    expect(r.heapAfter - r.heapBefore).toBeLessThan(4 * 1024 * 1024);
  });
});
