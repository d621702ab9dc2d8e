import { describe, expect, it } from 'vitest';
import { appendHeader, canonicalName, getHeader, getHeaderValues, headerFields, headerKey, prependHeader, removeHeader, setHeader } from './headers.ts';
import { parseMessage } from './parse.ts';
import type { SipRequest } from './types.ts';

function message(...headers: string[]): SipRequest {
  const m = parseMessage(Buffer.from(['OPTIONS sip:a@b SIP/2.0', ...headers, '', ''].join('\r\n'), 'latin1'));
  if ('action' in m || m.kind !== 'request') throw new Error('test message did not parse');
  return m;
}

describe('headerKey', () => {
  it('maps every compact form to its long name', () => {
    const compact: Record<string, string> = {
      i: 'call-id',
      m: 'contact',
      e: 'content-encoding',
      l: 'content-length',
      c: 'content-type',
      f: 'from',
      s: 'subject',
      k: 'supported',
      t: 'to',
      v: 'via',
      o: 'event',
      r: 'refer-to',
      b: 'referred-by',
      u: 'allow-events',
      x: 'session-expires',
      a: 'accept-contact',
      j: 'reject-contact',
      d: 'request-disposition',
      y: 'identity',
      n: 'identity-info',
    };
    for (const [c, long] of Object.entries(compact)) {
      expect(headerKey(c)).toBe(long);
      expect(headerKey(c.toUpperCase())).toBe(long);
    }
  });

  it('lowercases long names in any spelling', () => {
    expect(headerKey('Call-ID')).toBe('call-id');
    expect(headerKey('vIa')).toBe('via');
    expect(headerKey('X-Vaxel-Tenant')).toBe('x-vaxel-tenant');
    expect(headerKey('X-VAXEL-TENANT')).toBe('x-vaxel-tenant');
  });
});

describe('canonicalName', () => {
  it('spells known headers the RFC way and leaves the rest alone', () => {
    expect(canonicalName('call-id')).toBe('Call-ID');
    expect(canonicalName('CSEQ')).toBe('CSeq');
    expect(canonicalName('www-authenticate')).toBe('WWW-Authenticate');
    expect(canonicalName('content-length')).toBe('Content-Length');
    expect(canonicalName('record-route')).toBe('Record-Route');
    expect(canonicalName('v')).toBe('v');
    expect(canonicalName('X-cisco-serviceuri')).toBe('X-cisco-serviceuri');
  });
});

describe('reading headers', () => {
  it('finds fields under compact and long names alike', () => {
    const m = message('v: SIP/2.0/UDP a;branch=z9hG4bK1', 'Via: SIP/2.0/UDP b;branch=z9hG4bK2, SIP/2.0/UDP c', 'i: abc');
    expect(getHeader(m, 'call-id')).toBe('abc');
    expect(getHeader(m, 'via')).toBe('SIP/2.0/UDP a;branch=z9hG4bK1');
    expect(getHeaderValues(m, 'via')).toEqual(['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/UDP b;branch=z9hG4bK2', 'SIP/2.0/UDP c']);
    expect(getHeader(m, 'route')).toBeUndefined();
    expect(getHeaderValues(m, 'route')).toEqual([]);
  });

  it('splits list values across fields, respecting quotes and <...>, dropping empty elements', () => {
    const m = message('Contact: "A, B" <sip:a@b>, <sip:c@d;x=1,2>', 'Contact: <sip:e@f>', 'Supported: timer, , 100rel,');
    expect(getHeaderValues(m, 'contact')).toEqual(['"A, B" <sip:a@b>', '<sip:c@d;x=1,2>', '<sip:e@f>']);
    expect(getHeaderValues(m, 'supported')).toEqual(['timer', '100rel']);
    expect(headerFields(m, 'contact')).toHaveLength(2);
  });
});

describe('editing headers', () => {
  it('setHeader replaces all fields of the key at the position of the first', () => {
    const m = message('To: <sip:a@b>', 'Route: <sip:r1>', 'From: <sip:c@d>', 'route: <sip:r2>');
    setHeader(m, 'route', '<sip:r3>');
    expect(m.headers.map((h) => [h.name, h.value])).toEqual([
      ['To', '<sip:a@b>'],
      ['Route', '<sip:r3>'],
      ['From', '<sip:c@d>'],
    ]);
  });

  it('setHeader appends when the header is absent', () => {
    const m = message('To: <sip:a@b>');
    setHeader(m, 'call-id', 'x');
    expect(m.headers.at(-1)).toEqual({ name: 'Call-ID', key: 'call-id', value: 'x' });
  });

  it('appendHeader and prependHeader; a new Via goes on top of the Vias', () => {
    const m = message('To: <sip:a@b>', 'Via: SIP/2.0/UDP old');
    prependHeader(m, 'Via', 'SIP/2.0/UDP new');
    appendHeader(m, 'www-authenticate', 'Digest realm="r"');
    prependHeader(m, 'Max-Forwards', '70');
    expect(m.headers.map((h) => h.name)).toEqual(['Max-Forwards', 'To', 'Via', 'Via', 'WWW-Authenticate']);
    expect(getHeaderValues(m, 'via')).toEqual(['SIP/2.0/UDP new', 'SIP/2.0/UDP old']);
  });

  it('removeHeader removes every field with the key, compact ones too', () => {
    const m = message('v: SIP/2.0/UDP a', 'To: <sip:a@b>', 'Via: SIP/2.0/UDP b');
    removeHeader(m, 'via');
    expect(m.headers.map((h) => h.key)).toEqual(['to']);
  });

  it('refuses values that would inject header lines', () => {
    const m = message();
    expect(() => setHeader(m, 'Subject', 'hi\r\nVia: SIP/2.0/UDP evil')).toThrow(TypeError);
    expect(() => appendHeader(m, 'Subject', 'a\nb')).toThrow(TypeError);
  });
});
