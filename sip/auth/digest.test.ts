import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { buildChallenge, computeHa1, parseDigestCredentials, verifyDigest } from './digest.ts';
import type { AuthHeader } from '../message/types.ts';

function digest(params: Record<string, string>, scheme = 'Digest'): AuthHeader {
  return { scheme, params: new Map(Object.entries(params)) };
}

// RFC 2617 §3.5.
const RFC2617 = {
  username: 'Mufasa',
  realm: 'testrealm@host.com',
  nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
  uri: '/dir/index.html',
  qop: 'auth',
  nc: '00000001',
  cnonce: '0a4f113b',
  response: '6629fae49393a05397450978507c4ef1',
  opaque: '5ccc069c403ebaf9f0171e9517f40e41',
};
const RFC2617_HA1 = computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');

// RFC 7616 §3.9.1, SHA-256 part.
const RFC7616 = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  uri: '/dir/index.html',
  algorithm: 'SHA-256',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  qop: 'auth',
  response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};
const RFC7616_HA1 = computeHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life');

/** The params with one left out. */
function without(params: Record<string, string>, name: string): Record<string, string> {
  const copy = { ...params };
  delete copy[name];
  return copy;
}

const md5 = (s: string) => createHash('md5').update(s, 'latin1').digest('hex');

describe('computeHa1', () => {
  it('hashes username:realm:password with the chosen algorithm', () => {
    expect(RFC2617_HA1).toBe(md5('Mufasa:testrealm@host.com:Circle Of Life'));
    expect(RFC7616_HA1).toBe(createHash('sha256').update('Mufasa:http-auth@example.org:Circle of Life').digest('hex'));
  });

  it('hashes non-ASCII usernames and passwords as UTF-8, as phones do', () => {
    expect(computeHa1('MD5', 'jürgen', 'acme.example', 'pässword')).toBe(
      createHash('md5').update(Buffer.from('jürgen:acme.example:pässword', 'utf8')).digest('hex'),
    );
  });
});

describe('verifyDigest', () => {
  it('accepts the RFC 2617 §3.5 example (MD5, qop=auth)', () => {
    expect(verifyDigest({ auth: digest(RFC2617), method: 'GET', ha1: RFC2617_HA1 })).toBe(true);
  });

  it('accepts the RFC 7616 §3.9.1 SHA-256 example', () => {
    expect(verifyDigest({ auth: digest(RFC7616), method: 'GET', ha1: RFC7616_HA1 })).toBe(true);
  });

  it('accepts an HA1 written in upper-case hex', () => {
    expect(verifyDigest({ auth: digest(RFC2617), method: 'GET', ha1: RFC2617_HA1.toUpperCase() })).toBe(true);
  });

  it('accepts a response written in upper-case hex', () => {
    expect(verifyDigest({ auth: digest({ ...RFC2617, response: RFC2617.response.toUpperCase() }), method: 'GET', ha1: RFC2617_HA1 })).toBe(true);
  });

  it('rejects a wrong password', () => {
    const ha1 = computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle of Life');
    expect(verifyDigest({ auth: digest(RFC2617), method: 'GET', ha1 })).toBe(false);
  });

  it('rejects a wrong method', () => {
    expect(verifyDigest({ auth: digest(RFC2617), method: 'REGISTER', ha1: RFC2617_HA1 })).toBe(false);
  });

  it('rejects a changed uri, nonce, cnonce or nc', () => {
    for (const change of [{ uri: '/dir/other.html' }, { nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c094' }, { cnonce: '0a4f113c' }, { nc: '00000002' }]) {
      expect(verifyDigest({ auth: digest({ ...RFC2617, ...change }), method: 'GET', ha1: RFC2617_HA1 })).toBe(false);
    }
  });

  it('rejects an HA1 computed with the other algorithm', () => {
    expect(verifyDigest({ auth: digest(RFC7616), method: 'GET', ha1: computeHa1('MD5', 'Mufasa', 'http-auth@example.org', 'Circle of Life') })).toBe(false);
  });

  it('accepts the RFC 2069 form without qop', () => {
    const ha1 = computeHa1('MD5', 'alice', 'acme.example', 'secret');
    const nonce = 'abc123';
    const uri = 'sip:acme.example';
    const response = md5(`${ha1}:${nonce}:${md5(`REGISTER:${uri}`)}`);
    const auth = digest({ username: 'alice', realm: 'acme.example', nonce, uri, response });
    expect(verifyDigest({ auth, method: 'REGISTER', ha1 })).toBe(true);
    expect(verifyDigest({ auth, method: 'INVITE', ha1 })).toBe(false);
  });

  it('hashes wire strings byte for byte (latin1), so a UTF-8 uri verifies', () => {
    const ha1 = computeHa1('MD5', 'alice', 'acme.example', 'secret');
    const utf8Uri = 'sip:jürgen@acme.example';
    const wireUri = Buffer.from(utf8Uri, 'utf8').toString('latin1');
    const ha2 = createHash('md5')
      .update(Buffer.from(`REGISTER:${utf8Uri}`, 'utf8'))
      .digest('hex');
    const response = md5(`${ha1}:n1:00000001:c1:auth:${ha2}`);
    const auth = digest({ username: 'alice', realm: 'acme.example', nonce: 'n1', uri: wireUri, response, qop: 'auth', nc: '00000001', cnonce: 'c1' });
    expect(verifyDigest({ auth, method: 'REGISTER', ha1 })).toBe(true);
  });

  it('rejects qop=auth-int even with a correctly computed response', () => {
    const ha1 = computeHa1('MD5', 'alice', 'acme.example', 'secret');
    const ha2 = md5(`REGISTER:sip:acme.example:${md5('')}`);
    const response = md5(`${ha1}:n1:00000001:c1:auth-int:${ha2}`);
    const auth = digest({
      username: 'alice',
      realm: 'acme.example',
      nonce: 'n1',
      uri: 'sip:acme.example',
      response,
      qop: 'auth-int',
      nc: '00000001',
      cnonce: 'c1',
    });
    expect(verifyDigest({ auth, method: 'REGISTER', ha1 })).toBe(false);
  });

  it('rejects the -sess variants and unknown algorithms', () => {
    for (const algorithm of ['MD5-sess', 'SHA-256-sess', 'SHA-512-256', 'AKAv1-MD5']) {
      expect(verifyDigest({ auth: digest({ ...RFC2617, algorithm }), method: 'GET', ha1: RFC2617_HA1 })).toBe(false);
    }
  });

  it('returns false for malformed credentials instead of throwing', () => {
    expect(verifyDigest({ auth: digest(without(RFC2617, 'response')), method: 'GET', ha1: RFC2617_HA1 })).toBe(false);
    expect(verifyDigest({ auth: digest({ ...RFC2617, response: '6629fae4' }), method: 'GET', ha1: RFC2617_HA1 })).toBe(false);
    expect(verifyDigest({ auth: digest(RFC2617), method: 'GET', ha1: 'short' })).toBe(false);
  });
});

describe('parseDigestCredentials', () => {
  it('reads the RFC 7616 example, with nc as a number and the algorithm normalised', () => {
    expect(parseDigestCredentials(digest({ ...RFC7616, algorithm: 'sha-256' }))).toEqual({
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      nonce: RFC7616.nonce,
      uri: '/dir/index.html',
      response: RFC7616.response,
      algorithm: 'SHA-256',
      qop: 'auth',
      nc: 1,
      cnonce: RFC7616.cnonce,
      opaque: RFC7616.opaque,
    });
  });

  it('defaults the algorithm to MD5 and leaves nc and cnonce null without qop', () => {
    const creds = parseDigestCredentials(digest({ username: 'a', realm: 'r', nonce: 'n', uri: 'sip:r', response: '0'.repeat(32), nc: '00000001' }));
    expect(creds).toMatchObject({ algorithm: 'MD5', qop: null, nc: null, cnonce: null, opaque: null });
  });

  it('accepts the scheme in any case', () => {
    expect(parseDigestCredentials(digest(RFC2617, 'DIGEST'))).not.toHaveProperty('error');
  });

  it('names what is wrong with malformed credentials', () => {
    const cases: Array<[AuthHeader, string]> = [
      [digest(RFC2617, 'Basic'), 'unsupported scheme Basic'],
      [digest(without(RFC2617, 'nonce')), 'missing nonce'],
      [digest({ ...RFC2617, nonce: '' }), 'missing nonce'],
      [digest(without(RFC2617, 'username')), 'missing username'],
      [digest({ ...without(RFC2617, 'username'), 'username*': "UTF-8''J%C3%A4s" }), 'username* not supported'],
      [digest({ ...RFC2617, userhash: 'true' }), 'userhash not supported'],
      [digest(without(RFC2617, 'realm')), 'missing realm'],
      [digest(without(RFC2617, 'uri')), 'missing uri'],
      [digest(without(RFC2617, 'nc')), 'missing nc'],
      [digest({ ...RFC2617, nc: '1' }), 'invalid nc'],
      [digest({ ...RFC2617, nc: '0000000g' }), 'invalid nc'],
      [digest({ ...RFC2617, nc: '00000000' }), 'invalid nc'],
      [digest(without(RFC2617, 'cnonce')), 'missing cnonce'],
      [digest({ ...RFC2617, algorithm: 'MD5-sess' }), 'unsupported algorithm MD5-sess'],
      [digest({ ...RFC2617, response: 'xyz' }), 'invalid response'],
      [digest({ ...RFC2617, algorithm: 'SHA-256' }), 'invalid response'],
    ];
    for (const [auth, error] of cases) expect(parseDigestCredentials(auth)).toEqual({ error });
  });
});

describe('buildChallenge', () => {
  it('builds an MD5 challenge offering qop=auth', () => {
    expect(buildChallenge({ realm: 'example.com', nonce: 'abc', algorithm: 'MD5' })).toBe('Digest realm="example.com", nonce="abc", algorithm=MD5, qop="auth"');
  });

  it('adds opaque and stale=true when asked', () => {
    expect(buildChallenge({ realm: 'example.com', nonce: 'abc', algorithm: 'SHA-256', stale: true, opaque: 'op' })).toBe(
      'Digest realm="example.com", nonce="abc", opaque="op", algorithm=SHA-256, qop="auth", stale=true',
    );
    expect(buildChallenge({ realm: 'example.com', nonce: 'abc', algorithm: 'MD5', stale: false })).not.toContain('stale');
  });

  it('escapes quotes and backslashes in the realm and refuses line breaks', () => {
    expect(buildChallenge({ realm: 'a"b\\c', nonce: 'n', algorithm: 'MD5' })).toBe('Digest realm="a\\"b\\\\c", nonce="n", algorithm=MD5, qop="auth"');
    expect(() => buildChallenge({ realm: 'a\r\nVia: x', nonce: 'n', algorithm: 'MD5' })).toThrow(/control characters/);
  });
});
