import { describe, expect, it } from 'vitest';
import {
  formatAuthHeader,
  formatNameAddr,
  formatUri,
  formatVia,
  parseAuthHeader,
  parseContacts,
  parseCSeq,
  parseNameAddr,
  parseParams,
  parseUri,
  parseVia,
  splitList,
  unquote,
} from './parsers.ts';
import type { NameAddr } from './types.ts';

describe('splitList', () => {
  it('splits at top-level commas and trims', () => {
    expect(splitList('INVITE, ACK ,BYE')).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('does not split inside quoted strings, quoted-pairs included', () => {
    expect(splitList('"a, \\"b, c" <sip:x@y>, <sip:z@w>')).toEqual(['"a, \\"b, c" <sip:x@y>', '<sip:z@w>']);
  });

  it('does not split inside <...>', () => {
    expect(splitList('<sip:a@b;x=1,2>, <sip:c@d>')).toEqual(['<sip:a@b;x=1,2>', '<sip:c@d>']);
  });

  it('keeps empty elements for validators to see', () => {
    expect(splitList('a,,b,')).toEqual(['a', '', 'b', '']);
  });
});

describe('parseUri', () => {
  it('parses user, password, host, port, params and headers of a SIP URI', () => {
    expect(parseUri('sip:alice:secret@Example.COM:5061;transport=TCP;LR?subject=hi&x=1')).toEqual({
      scheme: 'sip',
      user: 'alice',
      password: 'secret',
      host: 'example.com',
      port: 5061,
      params: new Map([
        ['transport', 'TCP'],
        ['lr', null],
      ]),
      headers: 'subject=hi&x=1',
    });
  });

  it('lowercases sips and keeps escapes in the user part', () => {
    const u = parseUri('SIPS:%75ser@host')!;
    expect(u.scheme).toBe('sips');
    expect(u.user).toBe('%75ser');
  });

  it('allows ; and ? in the user part (semiuri.dat, intmeth.dat)', () => {
    expect(parseUri('sip:user;par=u%40example.net@example.com')).toMatchObject({ user: 'user;par=u%40example.net', host: 'example.com' });
    expect(parseUri('sip:a?b,c@h')).toMatchObject({ user: 'a?b,c', host: 'h' });
  });

  it('parses bracketed IPv6 hosts with and without a port', () => {
    expect(parseUri('sip:[2001:DB8::10]:5070')).toMatchObject({ host: '[2001:db8::10]', port: 5070 });
    expect(parseUri('sip:[2001:db8::10:5070]')).toMatchObject({ host: '[2001:db8::10:5070]', port: null });
  });

  it('tolerates the RFC 5118 §4.10 three-colon form and keeps it as written', () => {
    expect(parseUri('sip:user@[2001:db8:::192.0.2.1]')!.host).toBe('[2001:db8:::192.0.2.1]');
    expect(parseUri('sip:[2001:::1]')).toBeNull();
  });

  it('refuses unbracketed IPv6, whitespace, bad escapes, bad ports', () => {
    expect(parseUri('sip:2001:db8::10')).toBeNull();
    expect(parseUri('sip:user@example.com; lr')).toBeNull();
    expect(parseUri('sip:us%zzer@h')).toBeNull();
    expect(parseUri('sip:h:99999')).toBeNull();
    expect(parseUri('sip:h:')).toBeNull();
    expect(parseUri('sip:')).toBeNull();
    expect(parseUri('sip:@h')).toBeNull();
    expect(parseUri('<sip:h>')).toBeNull();
  });

  it('keeps other schemes opaque', () => {
    expect(parseUri('tel:+1-201-555-0123;phone-context=example.com')).toEqual({
      scheme: 'tel',
      user: '+1-201-555-0123;phone-context=example.com',
      password: null,
      host: '',
      port: null,
      params: new Map(),
      headers: null,
    });
    expect(parseUri('soap.beep://192.0.2.103:3002')!.scheme).toBe('soap.beep');
    expect(parseUri('1abc:x')).toBeNull();
    expect(parseUri('isbn:')).toBeNull();
  });

  it('formats a URI back', () => {
    for (const s of ['sip:alice:pw@example.com:5060;transport=tcp;lr?h=v', 'sips:[2001:db8::1];maddr=x', 'tel:+123', 'sip:example.com']) {
      expect(formatUri(parseUri(s)!)).toBe(s);
    }
  });
});

describe('parseNameAddr', () => {
  it('reads a quoted display name with quoted-pairs', () => {
    const na = parseNameAddr('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8')!;
    expect(na.displayName).toBe('J Rosenberg \\"');
    expect(na.rawUri).toBe('sip:jdrosen@example.com');
    expect(na.params.get('tag')).toBe('98asjd8');
  });

  it('reads token display names, with or without a space before <', () => {
    expect(parseNameAddr('Alice Smith <sip:a@b>')!.displayName).toBe('Alice Smith');
    expect(parseNameAddr('caller<sip:caller@example.com>;tag=323')!.displayName).toBe('caller');
  });

  it('reads an addr-spec whose header parameters start at the first ;', () => {
    const na = parseNameAddr('sip:+19725552222@gw1.example.net;unknownparam')!;
    expect(na.displayName).toBeNull();
    expect(na.uri.params.size).toBe(0);
    expect([...na.params]).toEqual([['unknownparam', null]]);
  });

  it('keeps quoted parameter values quoted', () => {
    const na = parseNameAddr('<sip:a@b>;+sip.instance="<urn:uuid:1>";q=0.5')!;
    expect(na.params.get('+sip.instance')).toBe('"<urn:uuid:1>"');
    expect(unquote(na.params.get('+sip.instance')!)).toBe('<urn:uuid:1>');
  });

  it('refuses what RFC 4475 calls malformed', () => {
    expect(parseNameAddr('"Mr. J. User <sip:j.user@example.com>')).toBeNull(); // quotbal
    expect(parseNameAddr('Bell, Alexander <sip:a.g.bell@example.com>;tag=43')).toBeNull(); // baddn
    expect(parseNameAddr('"Watson, Thomas" < sip:t.watson@example.org >')).toBeNull(); // badaspec
    expect(parseNameAddr('sip:user@example.com?Route=%3Csip:sip.example.com%3E')).toBeNull(); // regbadct
    expect(parseNameAddr('"Joe" sip:joe@example.org')).toBeNull();
    expect(parseNameAddr('<sip:a@b> junk')).toBeNull();
    expect(parseNameAddr('')).toBeNull();
  });

  it('skips empty parameters', () => {
    expect([...parseNameAddr('"Joe" <sip:joe@example.org>;;;;tag=1;')!.params]).toEqual([['tag', '1']]);
  });

  it('formats with <...> and quotes the display name only when needed', () => {
    const plain = parseNameAddr('Alice <sip:a@b>;tag=1')!;
    expect(formatNameAddr(plain)).toBe('Alice <sip:a@b>;tag=1');
    const quoted: NameAddr = { ...plain, displayName: 'Smith, "Al"' };
    expect(formatNameAddr(quoted)).toBe('"Smith, \\"Al\\"" <sip:a@b>;tag=1');
    expect(formatNameAddr(parseNameAddr('sip:a@b;tag=2')!)).toBe('<sip:a@b>;tag=2');
    expect(parseNameAddr(formatNameAddr(quoted))!.displayName).toBe('Smith, "Al"');
  });
});

describe('parseContacts', () => {
  it('reads *', () => {
    expect(parseContacts(' * ')).toBe('*');
  });

  it('reads a list of mixed forms', () => {
    const c = parseContacts('<sip:a@h1>;expires=60, "B" <sip:b@h2>, sip:c@h3;q=0.1') as NameAddr[];
    expect(c.map((x) => x.uri.user)).toEqual(['a', 'b', 'c']);
    expect(c[0]!.params.get('expires')).toBe('60');
    expect(c[2]!.params.get('q')).toBe('0.1');
  });

  it('refuses empty elements and junk', () => {
    expect(parseContacts('<sip:a@b>,')).toBeNull();
    expect(parseContacts(',<sip:a@b>')).toBeNull();
    expect(parseContacts('<sip:a@b>, *')).toBeNull();
    expect(parseContacts('')).toBeNull();
  });
});

describe('parseVia', () => {
  it('reads transport, sent-by and parameters', () => {
    const v = parseVia('SIP/2.0/udp 192.0.2.1:5060;branch=z9hG4bK776;rport;received=192.0.2.9')!;
    expect(v).toEqual({
      transport: 'UDP',
      host: '192.0.2.1',
      port: 5060,
      params: new Map([
        ['branch', 'z9hG4bK776'],
        ['rport', ''],
        ['received', '192.0.2.9'],
      ]),
    });
  });

  it('allows LWS around / : ; and =', () => {
    const v = parseVia('SIP  /   2.0 / TCP   spindle.example.com : 5061  ;  branch  =   z9hG4bK9ikj8')!;
    expect([v.transport, v.host, v.port, v.params.get('branch')]).toEqual(['TCP', 'spindle.example.com', 5061, 'z9hG4bK9ikj8']);
  });

  it('tolerates received=[v6] and stores it without brackets', () => {
    expect(parseVia('SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3')!.params.get('received')).toBe('2001:db8::9:255');
    expect(parseVia('SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255')!.params.get('received')).toBe('2001:db8::9:255');
  });

  it('refuses a Via without transport or sent-by', () => {
    expect(parseVia('SIP/2.0 host')).toBeNull();
    expect(parseVia('SIP/2.0/UDP')).toBeNull();
    expect(parseVia('SIP/2.0/UDP;branch=1')).toBeNull();
    expect(parseVia('HTTP/1.1/TCP host')).toBeNull();
    expect(parseVia(';')).toBeNull();
  });

  it('formats without brackets around received and with a bare rport', () => {
    const v = parseVia('SIP/2.0/UDP [2001:db8::1]:5060;rport;received=[2001:db8::2];branch=z9hG4bK1')!;
    expect(formatVia(v)).toBe('SIP/2.0/UDP [2001:db8::1]:5060;rport;received=2001:db8::2;branch=z9hG4bK1');
  });
});

describe('parseCSeq', () => {
  it('reads number and method, leading zeros and LWS included', () => {
    expect(parseCSeq('0009  INVITE')).toEqual({ seq: 9, method: 'INVITE' });
    expect(parseCSeq('4294967295 ACK')).toEqual({ seq: 4294967295, method: 'ACK' });
  });

  it('refuses overlarge numbers and bad syntax', () => {
    expect(parseCSeq('4294967296 ACK')).toBeNull();
    expect(parseCSeq('36893488147419103232 REGISTER')).toBeNull();
    expect(parseCSeq('INVITE')).toBeNull();
    expect(parseCSeq('1INVITE')).toBeNull();
    expect(parseCSeq('1 INVITE x')).toBeNull();
    expect(parseCSeq('-1 INVITE')).toBeNull();
  });
});

describe('parseParams', () => {
  it('reads parameters with or without a leading ;', () => {
    expect([...parseParams(';tag=1;lr;q = 0.5')]).toEqual([
      ['tag', '1'],
      ['lr', null],
      ['q', '0.5'],
    ]);
    expect([...parseParams('Expires=60')]).toEqual([['expires', '60']]);
  });

  it('keeps the first of repeated names', () => {
    expect(parseParams(';tag=a;TAG=b').get('tag')).toBe('a');
  });
});

describe('parseAuthHeader / formatAuthHeader', () => {
  const creds =
    'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41", algorithm=MD5';

  it('reads scheme and parameters, unquoting values', () => {
    const a = parseAuthHeader(creds)!;
    expect(a.scheme).toBe('Digest');
    expect(a.params.get('username')).toBe('bob');
    expect(a.params.get('qop')).toBe('auth');
    expect(a.params.get('nc')).toBe('00000001');
    expect(a.params.size).toBe(10);
  });

  it('resolves quoted-pairs and tolerates missing spaces and commas', () => {
    const a = parseAuthHeader('Digest realm="a\\"b",nonce="n" opaque="o"')!;
    expect(a.params.get('realm')).toBe('a"b');
    expect(a.params.get('opaque')).toBe('o');
  });

  it('refuses an unterminated quoted value', () => {
    expect(parseAuthHeader('Digest realm="x')).toBeNull();
    expect(parseAuthHeader('')).toBeNull();
  });

  it('re-formats credentials with the RFC 3261 quoting', () => {
    expect(formatAuthHeader(parseAuthHeader(creds)!)).toBe(creds);
  });

  it('quotes qop in a challenge', () => {
    const challenge = {
      scheme: 'Digest',
      params: new Map([
        ['realm', 'pbx'],
        ['nonce', 'abc'],
        ['qop', 'auth'],
        ['algorithm', 'MD5'],
        ['stale', 'TRUE'],
      ]),
    };
    expect(formatAuthHeader(challenge)).toBe('Digest realm="pbx", nonce="abc", qop="auth", algorithm=MD5, stale=TRUE');
    expect(formatAuthHeader(challenge, new Set(['realm']))).toBe('Digest realm="pbx", nonce=abc, qop=auth, algorithm=MD5, stale=TRUE');
  });
});
