import { describe, expect, it } from 'vitest';
import { checkRequestAsElement } from './element-checks.ts';
import { isParseFailure, parseMessage } from './parse.ts';
import type { SipRequest } from './types.ts';

const OPTS = {
  knownMethods: new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'UPDATE', 'PRACK', 'MESSAGE']),
  supportedExtensions: new Set(['replaces', 'timer', '100rel']),
  acceptedContentTypes: new Set(['application/sdp']),
};

function request(method: string, uri: string, extra: string[] = [], body = ''): SipRequest {
  const lines = [
    `${method} ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
    'To: <sip:bob@example.com>',
    'From: <sip:alice@example.com>;tag=1',
    'Call-ID: c',
    `CSeq: 1 ${method}`,
    ...extra,
    `Content-Length: ${body.length}`,
    '',
    body,
  ];
  const m = parseMessage(Buffer.from(lines.join('\r\n'), 'latin1'));
  if (isParseFailure(m) || m.kind !== 'request') throw new Error('test request did not parse');
  return m;
}

describe('checkRequestAsElement', () => {
  it('passes a plain INVITE with SDP', () => {
    expect(checkRequestAsElement(request('INVITE', 'sip:bob@example.com', ['Content-Type: application/sdp'], 'v=0\r\n'), OPTS)).toBeNull();
  });

  it('answers 501 to an unknown method', () => {
    expect(checkRequestAsElement(request('PUBLISH', 'sip:bob@example.com'), OPTS)).toMatchObject({ action: 'reply', status: 501, reason: 'Not Implemented' });
  });

  it('answers 416 to a Request-URI scheme other than sip, sips and tel', () => {
    expect(checkRequestAsElement(request('OPTIONS', 'http://example.com/'), OPTS)?.status).toBe(416);
    expect(checkRequestAsElement(request('OPTIONS', 'tel:+15551234'), OPTS)).toBeNull();
    expect(checkRequestAsElement(request('OPTIONS', 'SIPS:bob@example.com'), OPTS)).toBeNull();
  });

  it('answers 400 to a REGISTER whose To is not a SIP AOR', () => {
    const r = request('REGISTER', 'sip:example.com');
    r.headers = r.headers.map((h) => (h.key === 'to' ? { ...h, value: 'isbn:2983792873' } : h));
    expect(checkRequestAsElement(r, OPTS)?.status).toBe(400);
  });

  it('answers 420 listing unsupported Require tags, ignoring Proxy-Require and case', () => {
    const r = request('OPTIONS', 'sip:bob@example.com', ['Require: Timer, foo', 'Require: bar', 'Proxy-Require: baz']);
    expect(checkRequestAsElement(r, OPTS)).toMatchObject({ status: 420, reason: 'Bad Extension', unsupported: ['foo', 'bar'] });
    expect(checkRequestAsElement(request('OPTIONS', 'sip:b@e', ['Proxy-Require: baz']), OPTS)).toBeNull();
  });

  it('never answers 420 to ACK or CANCEL', () => {
    expect(checkRequestAsElement(request('CANCEL', 'sip:b@e', ['Require: foo']), OPTS)).toBeNull();
    expect(checkRequestAsElement(request('ACK', 'sip:b@e', ['Require: foo']), OPTS)).toBeNull();
  });

  it('answers 415 to a session body it cannot read, and leaves MESSAGE bodies to the application', () => {
    expect(checkRequestAsElement(request('INVITE', 'sip:b@e', ['Content-Type: application/unknownformat'], '<x/>'), OPTS)?.status).toBe(415);
    expect(checkRequestAsElement(request('INVITE', 'sip:b@e', [], 'v=0'), OPTS)?.status).toBe(415);
    expect(checkRequestAsElement(request('INVITE', 'sip:b@e', ['Content-Type: Application/SDP; charset=x'], 'v=0'), OPTS)).toBeNull();
    expect(checkRequestAsElement(request('INVITE', 'sip:b@e', ['Content-Type: application/sdp', 'Content-Encoding: gzip'], 'v=0'), OPTS)?.status).toBe(415);
    expect(checkRequestAsElement(request('MESSAGE', 'sip:b@e', ['Content-Type: text/plain'], 'hi'), OPTS)).toBeNull();
  });

  it('drops instead of answering when the request is an ACK', () => {
    expect(checkRequestAsElement(request('ACK', 'sip:b@e', ['Content-Type: text/plain'], 'hi'), OPTS)).toMatchObject({ action: 'drop', status: 415 });
  });

  it('answers 406 when an INVITE Accept rules out every type we can send', () => {
    const accept = (v: string): number | undefined => checkRequestAsElement(request('INVITE', 'sip:b@e', [`Accept: ${v}`]), OPTS)?.status;
    expect(accept('text/nobodyKnowsThis')).toBe(406);
    expect(accept('')).toBe(406);
    expect(accept('application/sdp;q=0')).toBe(406);
    expect(accept('text/plain, application/sdp')).toBeUndefined();
    expect(accept('application/*')).toBeUndefined();
    expect(accept('*/*;q=0.1')).toBeUndefined();
    expect(checkRequestAsElement(request('OPTIONS', 'sip:b@e', ['Accept: text/plain']), OPTS)).toBeNull();
  });
});
