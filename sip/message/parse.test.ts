import { describe, expect, it } from 'vitest';
import { getHeader } from './headers.ts';
import { isParseFailure, parseMessage, validateRequest, validateResponse } from './parse.ts';
import type { ParseFailure, SipMessage, SipRequest, SipResponse } from './types.ts';

const BASE = [
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9',
  'Max-Forwards: 70',
  'To: <sip:bob@example.com>',
  'From: <sip:alice@example.com>;tag=9fxced76sl',
  'Call-ID: 3848276298220188511@192.0.2.1',
  'CSeq: 1 OPTIONS',
];

function bytes(lines: string[], eol = '\r\n'): Buffer {
  return Buffer.from(lines.join(eol), 'latin1');
}

function ok(buf: Buffer, stream = false): SipMessage {
  const m = parseMessage(buf, { stream });
  if (isParseFailure(m)) throw new Error(m.reason);
  return m;
}

function fails(buf: Buffer, stream = false): ParseFailure {
  const m = parseMessage(buf, { stream });
  if (!isParseFailure(m)) throw new Error('expected a failure');
  return m;
}

function req(startLine: string, headers = BASE, body = ''): SipRequest {
  return ok(bytes([startLine, ...headers, '', body])) as SipRequest;
}

describe('parseMessage: framing', () => {
  it('skips leading CRLFs and reads the request line', () => {
    const m = ok(bytes(['', '', 'OPTIONS sip:bob@example.com SIP/2.0', ...BASE, 'Content-Length: 0', '', ''])) as SipRequest;
    expect([m.kind, m.method, m.uri, m.version]).toEqual(['request', 'OPTIONS', 'sip:bob@example.com', 'SIP/2.0']);
    expect(m.headers).toHaveLength(7);
  });

  it('reads status lines, with an empty or missing reason', () => {
    const head = ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>;tag=1', 'From: <sip:a@b>;tag=2', 'Call-ID: x', 'CSeq: 1 INVITE', '', ''];
    const a = ok(bytes(['SIP/2.0 486 Busy Here', ...head])) as SipResponse;
    expect([a.status, a.reason]).toEqual([486, 'Busy Here']);
    expect((ok(bytes(['SIP/2.0 100 ', ...head])) as SipResponse).reason).toBe('');
    expect((ok(bytes(['SIP/2.0 100', ...head])) as SipResponse).reason).toBe('');
    expect(fails(bytes(['SIP/2.0 abc OK', ...head])).action).toBe('drop');
  });

  it('unfolds continuation lines into one SP and trims values', () => {
    const m = ok(bytes(['OPTIONS sip:a@b SIP/2.0', 'Subject:   first  ', ' \t second', '\tthird', 'X-Empty:', 'l: 0', '', '']));
    expect(getHeader(m, 'subject')).toBe('first second third');
    expect(getHeader(m, 'x-empty')).toBe('');
  });

  it('keeps header names as written and maps compact forms to keys', () => {
    const m = ok(bytes(['OPTIONS sip:a@b SIP/2.0', 'i: c1', 'MAX-forwards : 5', 'l: 0', '', '']));
    expect(m.headers.map((h) => [h.name, h.key])).toEqual([
      ['i', 'call-id'],
      ['MAX-forwards', 'max-forwards'],
      ['l', 'content-length'],
    ]);
  });

  it('frames the body by Content-Length and ignores trailing octets', () => {
    const m = ok(bytes(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 3', '', 'abcdef']));
    expect(m.body.toString()).toBe('abc');
  });

  it('takes the rest of a datagram as the body when Content-Length is absent, and nothing on a stream', () => {
    const buf = bytes(['OPTIONS sip:a@b SIP/2.0', 'To: <sip:a@b>', '', 'abc']);
    expect(ok(buf).body.toString()).toBe('abc');
    expect(ok(buf, true).body.length).toBe(0);
  });

  it('answers 400 when Content-Length promises more than the datagram holds', () => {
    const f = fails(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'Content-Length: 10', '', 'abc']));
    expect([f.action, f.status, f.reason]).toEqual(['reply', 400, 'Bad Request: Content-Length larger than the message']);
    expect((f.message as SipRequest).method).toBe('OPTIONS');
  });

  it('answers 400 to negative, non-numeric and conflicting Content-Length', () => {
    for (const cl of [['Content-Length: -1'], ['Content-Length: 1x'], ['Content-Length: '], ['Content-Length: 1', 'l: 2']]) {
      const f = fails(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, ...cl, '', 'ab']));
      expect([f.action, f.status]).toEqual(['reply', 400]);
    }
    expect(ok(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'Content-Length: 2', 'l: 2', '', 'ab'])).body.toString()).toBe('ab');
  });

  it('reads LF-only messages, and there lets Content-Length overstate the body (the RFC 5118 archive)', () => {
    const m = ok(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'Content-Length: 50', '', 'v=0', ''], '\n'));
    expect(m.body.toString()).toBe('v=0\n');
    expect(fails(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'Content-Length: 50', '', 'v=0', ''], '\n'), true).status).toBe(400);
  });

  it('accepts a header section that ends with the datagram, without the empty line', () => {
    const m = ok(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'l: 0', '']));
    expect(m.headers).toHaveLength(7);
    expect(m.body.length).toBe(0);
  });

  it('answers 400 to header lines without a colon, bad names and folds with nothing to continue', () => {
    expect(fails(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'Foobar roobar', '', ''])).reason).toBe('Bad Request: header line without a colon');
    expect(fails(bytes(['OPTIONS sip:a@b SIP/2.0', ...BASE, 'Bad Name: x', '', ''])).reason).toBe('Bad Request: malformed header name');
    expect(fails(bytes(['OPTIONS sip:a@b SIP/2.0', ' folded', ...BASE, '', ''])).reason).toBe('Bad Request: folded line without a header');
  });

  it('answers 400 to trailing whitespace on the request line', () => {
    expect(fails(bytes(['OPTIONS sip:a@b SIP/2.0  ', ...BASE, '', ''])).reason).toBe('Bad Request: whitespace at the end of the Request-Line');
  });

  it('drops what has no readable start line, and empty keep-alives', () => {
    expect(fails(bytes(['INVITE sip:alan@jasomi.com', ...BASE, '', ''])).action).toBe('drop');
    expect(fails(bytes(['IN VITE', '', ''])).action).toBe('drop');
    expect(fails(Buffer.from('\r\n\r\n')).action).toBe('drop');
    expect(fails(Buffer.alloc(0)).action).toBe('drop');
  });

  it('drops a response that cannot be read, whatever its headers', () => {
    const f = fails(bytes(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP h', 'Content-Length: 99', '', '']));
    expect(f.action).toBe('drop');
    expect(f.message?.kind).toBe('response');
  });

  it('copies the body so the datagram buffer is not kept alive', () => {
    const buf = bytes(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 3', '', 'abc']);
    const m = ok(buf);
    buf.fill(0);
    expect(m.body.toString()).toBe('abc');
  });
});

describe('validateRequest', () => {
  it('accepts a well-formed request', () => {
    expect(validateRequest(req('OPTIONS sip:bob@example.com SIP/2.0'))).toBeNull();
  });

  it('answers 505 to another SIP version and 400 to a non-SIP one', () => {
    expect(validateRequest(req('OPTIONS sip:bob@example.com SIP/7.0'))).toMatchObject({ action: 'reply', status: 505, reason: 'Version Not Supported' });
    expect(validateRequest(req('OPTIONS sip:bob@example.com HTTP/1.1'))).toMatchObject({ status: 400, reason: 'Bad Request: malformed SIP-Version' });
    expect(validateRequest(req('OPTIONS sip:bob@example.com sip/2.0'))).toBeNull();
  });

  it('checks the Request-URI', () => {
    const reason = (uri: string): string | undefined => validateRequest(req(`OPTIONS ${uri} SIP/2.0`))?.reason;
    expect(reason('<sip:bob@example.com>')).toBe('Bad Request: Request-URI enclosed in <>');
    expect(reason('sip:bob@example.com?Route=%3Csip:x%3E')).toBe('Bad Request: escaped headers in a SIP Request-URI');
    expect(reason('sip:2001:db8::10')).toBe('Bad Request: IPv6 host in the Request-URI is not enclosed in []');
    expect(reason('sip:bob@exa mple.com')).toBe('Bad Request: whitespace in the Request-URI');
    expect(reason('sip:bob@@example.com')).toBe('Bad Request: malformed Request-URI');
    expect(reason('nobodyKnowsThisScheme:totallyopaquecontent')).toBeUndefined();
    expect(reason('tel:+15551234;phone-context=example.com')).toBeUndefined();
  });

  it('requires exactly one To, From, Call-ID, CSeq and at most one Max-Forwards', () => {
    for (const key of ['To', 'From', 'Call-ID', 'CSeq']) {
      const without = BASE.filter((h) => !h.startsWith(key + ':'));
      expect(validateRequest(req('OPTIONS sip:b@e SIP/2.0', without))?.reason).toBe(`Bad Request: missing ${key}`);
      const twice = [...BASE, BASE.find((h) => h.startsWith(key + ':'))!];
      expect(validateRequest(req('OPTIONS sip:b@e SIP/2.0', twice))?.reason).toBe(`Bad Request: more than one ${key}`);
    }
    expect(validateRequest(req('OPTIONS sip:b@e SIP/2.0', [...BASE, 'Max-Forwards: 70']))?.reason).toBe('Bad Request: more than one Max-Forwards');
    expect(
      validateRequest(
        req(
          'OPTIONS sip:b@e SIP/2.0',
          BASE.filter((h) => !h.startsWith('Max-Forwards')),
        ),
      ),
    ).toBeNull();
  });

  it('checks CSeq and Max-Forwards values', () => {
    const withHeader = (h: string): string | undefined =>
      validateRequest(req('OPTIONS sip:b@e SIP/2.0', [...BASE.filter((x) => !x.startsWith(h.split(':')[0]!)), h]))?.reason;
    expect(withHeader('CSeq: 4294967296 OPTIONS')).toBe('Bad Request: CSeq number exceeds 2^32-1');
    expect(withHeader('CSeq: 4294967295 OPTIONS')).toBeUndefined();
    expect(withHeader('CSeq: 1 INVITE')).toBe('Bad Request: CSeq method does not match the request method');
    expect(withHeader('CSeq: one OPTIONS')).toBe('Bad Request: malformed CSeq');
    expect(withHeader('Max-Forwards: 256')).toBe('Bad Request: Max-Forwards exceeds 255');
    expect(withHeader('Max-Forwards: 0068')).toBeUndefined();
    expect(withHeader('Max-Forwards: -1')).toBe('Bad Request: malformed Max-Forwards');
  });

  it('checks Via: every value must parse, the top one routes the reply', () => {
    const via = (v: string): ParseFailure | null => validateRequest(req('OPTIONS sip:b@e SIP/2.0', [v, ...BASE.slice(1)]));
    expect(via('Via: SIP/2.0/UDP 192.0.2.15;;,;,,')).toMatchObject({ action: 'reply', reason: 'Bad Request: malformed Via' });
    expect(via('Via: SIP/2.0/UDP h;branch=z9hG4bK')).toMatchObject({ reason: 'Bad Request: Via branch is only the magic cookie z9hG4bK' });
    expect(via('Via: SIP/2.0/UDP h;branch=z9hG4bKx, SIP/2.0/UDP i;branch=z9hG4bK')).toBeNull();
    expect(via('Via: SIP/2.0/UDP h')).toBeNull();
    expect(via('Via: garbage')).toMatchObject({ action: 'drop', reason: 'Bad Request: malformed Via' });
    expect(validateRequest(req('OPTIONS sip:b@e SIP/2.0', BASE.slice(1)))).toMatchObject({ action: 'drop', reason: 'Bad Request: missing Via' });
  });

  it('checks From, To and Contact syntax', () => {
    const withHeader = (h: string): string | undefined =>
      validateRequest(req('REGISTER sip:e SIP/2.0', [...BASE.filter((x) => !x.startsWith('CSeq')), 'CSeq: 1 REGISTER', h]))?.reason;
    expect(withHeader('Contact: *')).toBeUndefined();
    expect(withHeader('Contact: <sip:a@b>, sip:c@d;expires=0')).toBeUndefined();
    expect(withHeader('Contact: sip:user@example.com?Route=%3Csip:x%3E')).toBe('Bad Request: malformed Contact');
    expect(validateRequest(req('OPTIONS sip:b@e SIP/2.0', [...BASE, 'Contact: *']))?.reason).toBe('Bad Request: Contact * outside REGISTER');
    const to = (v: string): string | undefined => validateRequest(req('OPTIONS sip:b@e SIP/2.0', [...BASE.filter((x) => !x.startsWith('To')), v]))?.reason;
    expect(to('To: "Unclosed <sip:a@b>')).toBe('Bad Request: malformed To');
    expect(to('To: isbn:2983792873')).toBeUndefined();
  });

  it('never answers an ACK', () => {
    const ack = req('ACK sip:b@e SIP/2.0', [...BASE.filter((x) => !x.startsWith('CSeq')), 'CSeq: 1 INVITE']);
    expect(validateRequest(ack)).toMatchObject({ action: 'drop', status: 400 });
  });
});

describe('validateResponse', () => {
  const head = ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>;tag=1', 'From: <sip:a@b>;tag=2', 'Call-ID: x', 'CSeq: 1 INVITE', '', ''];

  it('accepts a well-formed response', () => {
    expect(validateResponse(ok(bytes(['SIP/2.0 200 OK', ...head])) as SipResponse)).toBeNull();
  });

  it('drops bad status codes, overlarge CSeq and missing headers', () => {
    expect(validateResponse(ok(bytes(['SIP/2.0 700 Odd', ...head])) as SipResponse)?.action).toBe('drop');
    expect(validateResponse(ok(bytes(['SIP/2.0 099 Odd', ...head])) as SipResponse)?.action).toBe('drop');
    expect(validateResponse(ok(bytes(['SIP/2.0 4294967301 x', ...head])) as SipResponse)?.action).toBe('drop');
    expect(validateResponse(ok(bytes(['SIP/2.0 200 OK', ...head.filter((h) => !h.startsWith('CSeq')), ''])) as SipResponse)?.action).toBe('drop');
    const big = head.map((h) => (h.startsWith('CSeq') ? 'CSeq: 9292394834772304023312 OPTIONS' : h));
    expect(validateResponse(ok(bytes(['SIP/2.0 503 Service Unavailable', ...big])) as SipResponse)?.action).toBe('drop');
    expect(validateResponse(ok(bytes(['SIP/3.0 200 OK', ...head])) as SipResponse)?.action).toBe('drop');
  });
});
