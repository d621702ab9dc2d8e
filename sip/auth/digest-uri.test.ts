import { describe, it, expect } from 'vitest';
import { digestUriAcceptable } from './digest.ts';

const LOCAL = ['127.0.0.1:5060', '[2001:db8::1]:5060', 'pbx.vaxel.example:5061'];

describe('digestUriAcceptable', () => {
  it('accepts a digest uri equal to the Request-URI, whatever it is', () => {
    expect(digestUriAcceptable('sip:acme.example', 'sip:acme.example', LOCAL)).toBe(true);
    expect(digestUriAcceptable('tel:+15551234', 'tel:+15551234', LOCAL)).toBe(true);
  });

  it("accepts a sip uri naming the Request-URI's host and port, with the default port filled in", () => {
    expect(digestUriAcceptable('sip:acme.example', 'sip:alice@acme.example;transport=tcp', LOCAL)).toBe(true);
    expect(digestUriAcceptable('sip:ACME.example:5060', 'sip:acme.example', LOCAL)).toBe(true);
    expect(digestUriAcceptable('sips:bob@acme.example:5061', 'sips:acme.example', LOCAL)).toBe(true);
  });

  it('accepts our own listening address, as SIPp sends it', () => {
    expect(digestUriAcceptable('sip:127.0.0.1:5060', 'sip:alice@acme.example', LOCAL)).toBe(true);
    expect(digestUriAcceptable('sip:127.0.0.1', 'sip:alice@acme.example', LOCAL)).toBe(true);
    expect(digestUriAcceptable('sip:[2001:DB8::1]:5060', 'sip:alice@acme.example', LOCAL)).toBe(true);
    expect(digestUriAcceptable('sips:pbx.vaxel.example', 'sip:alice@acme.example', LOCAL)).toBe(true);
  });

  it('rejects another host, another port, a non-sip uri or a malformed one', () => {
    expect(digestUriAcceptable('sip:evil.example', 'sip:acme.example', LOCAL)).toBe(false);
    expect(digestUriAcceptable('sip:acme.example:5070', 'sip:acme.example', LOCAL)).toBe(false);
    expect(digestUriAcceptable('sip:127.0.0.1:5062', 'sip:acme.example', LOCAL)).toBe(false);
    expect(digestUriAcceptable('/dir/index.html', 'sip:acme.example', LOCAL)).toBe(false);
    expect(digestUriAcceptable('sip:acme.example:99999', 'sip:acme.example', LOCAL)).toBe(false);
    expect(digestUriAcceptable('sip:', 'sip:acme.example', LOCAL)).toBe(false);
    expect(digestUriAcceptable('sip:[::1', 'sip:acme.example', LOCAL)).toBe(false);
  });

  it('looks at the host after the user part even when the user holds ; or ?', () => {
    expect(digestUriAcceptable('sip:a;b?c@acme.example', 'sip:acme.example', LOCAL)).toBe(true);
    expect(digestUriAcceptable('sip:acme.example;x@evil.example', 'sip:acme.example', LOCAL)).toBe(false);
  });
});
