import { describe, expect, it } from 'vitest';
import { getHeader, getHeaderValues } from './headers.ts';
import { isParseFailure, parseMessage } from './parse.ts';
import { createRequest, createResponse, serializeMessage } from './serialize.ts';
import type { SipMessage, SipRequest } from './types.ts';

const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8',
  'v: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1, SIP/2.0/UDP edge.example.com;branch=z9hG4bK2',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Timestamp: 54',
  'Record-Route: <sip:proxy.example.com;lr>',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\n',
].join('\r\n');

function parse(text: string | Buffer): SipMessage {
  const m = parseMessage(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  if (isParseFailure(m)) throw new Error(m.reason);
  return m;
}

describe('serializeMessage', () => {
  it('writes start line, headers in order under their own names, and the body', () => {
    const m = parse(INVITE);
    const out = serializeMessage(m).toString('latin1');
    expect(out.startsWith('INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33')).toBe(true);
    expect(out).toContain('\r\nv: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1, SIP/2.0/UDP edge.example.com;branch=z9hG4bK2\r\n');
    expect(out.endsWith('\r\nContent-Length: 4\r\n\r\nv=0\r')).toBe(true);
  });

  it('rewrites a wrong Content-Length to the body length, keeping its spelling and place', () => {
    const m = parse('OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\nTo: <sip:a@b>\r\n\r\n');
    m.body = Buffer.from('hello');
    const out = serializeMessage(m).toString('latin1');
    expect(out).toBe('OPTIONS sip:a@b SIP/2.0\r\nl: 5\r\nTo: <sip:a@b>\r\n\r\nhello');
  });

  it('adds Content-Length when missing and drops duplicates', () => {
    const m = parse('OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\n\r\n');
    expect(serializeMessage(m).toString('latin1')).toBe('OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\nContent-Length: 0\r\n\r\n');
    m.headers.push({ name: 'Content-Length', key: 'content-length', value: '9' }, { name: 'Content-Length', key: 'content-length', value: '7' });
    expect(
      serializeMessage(m)
        .toString('latin1')
        .match(/Content-Length/g),
    ).toHaveLength(1);
  });

  it('writes wire strings byte for byte (latin1), so UTF-8 and binary survive', () => {
    const reason = Buffer.from('Très bien', 'utf8').toString('latin1');
    const body = Buffer.from([0, 255, 13, 10, 0]);
    const res = parse(serializeMessage({ kind: 'response', status: 200, reason, version: 'SIP/2.0', headers: [], body }));
    expect(res.kind === 'response' && res.reason).toBe(reason);
    expect(res.body.equals(body)).toBe(true);
  });
});

describe('createResponse', () => {
  it('copies every Via in order, From, To, Call-ID and CSeq (RFC 3261 §8.2.6)', () => {
    const req = parse(INVITE) as SipRequest;
    const res = createResponse(req, 180, 'Ringing', { toTag: 'a6c85cf' });
    expect(res.headers.map((h) => h.name)).toEqual(['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq']);
    expect(getHeaderValues(res, 'via')).toEqual([
      'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8',
      'SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1',
      'SIP/2.0/UDP edge.example.com;branch=z9hG4bK2',
    ]);
    expect(getHeader(res, 'to')).toBe('Bob <sip:bob@biloxi.example.com>;tag=a6c85cf');
    expect(getHeader(res, 'from')).toBe('Alice <sip:alice@atlanta.example.com>;tag=1928301774');
    expect(getHeader(res, 'cseq')).toBe('314159 INVITE');
    expect(getHeader(res, 'record-route')).toBeUndefined();
  });

  it('keeps an existing To tag', () => {
    const req = parse(INVITE.replace('To: Bob <sip:bob@biloxi.example.com>', 'To: <sip:bob@b;tag=inuri>;tag=old')) as SipRequest;
    expect(getHeader(createResponse(req, 200, 'OK', { toTag: 'new' }), 'to')).toBe('<sip:bob@b;tag=inuri>;tag=old');
    const uriTagOnly = parse(INVITE.replace('To: Bob <sip:bob@biloxi.example.com>', 'To: <sip:bob@b;tag=inuri>')) as SipRequest;
    expect(getHeader(createResponse(uriTagOnly, 200, 'OK', { toTag: 'new' }), 'to')).toBe('<sip:bob@b;tag=inuri>;tag=new');
  });

  it('copies Timestamp into a 100 Trying only', () => {
    const req = parse(INVITE) as SipRequest;
    expect(getHeader(createResponse(req, 100, 'Trying'), 'timestamp')).toBe('54');
    expect(getHeader(createResponse(req, 180, 'Ringing'), 'timestamp')).toBeUndefined();
  });

  it('adds extra headers, a body and its Content-Type; serializes with the right length', () => {
    const req = parse(INVITE) as SipRequest;
    const body = Buffer.from('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
    const res = createResponse(req, 200, 'OK', { toTag: 't', headers: [['contact', '<sip:pbx@192.0.2.1>']], body, contentType: 'application/sdp' });
    const again = parse(serializeMessage(res));
    expect(again.kind === 'response' && [again.status, again.reason]).toEqual([200, 'OK']);
    expect(getHeader(again, 'contact')).toBe('<sip:pbx@192.0.2.1>');
    expect(again.headers.find((h) => h.key === 'contact')!.name).toBe('Contact');
    expect(getHeader(again, 'content-type')).toBe('application/sdp');
    expect(getHeader(again, 'content-length')).toBe(String(body.length));
    expect(again.body.equals(body)).toBe(true);
  });
});

describe('createRequest', () => {
  it('builds a SIP/2.0 request with canonical header names', () => {
    const req = createRequest({
      method: 'OPTIONS',
      uri: 'sip:alice@192.0.2.4:5060',
      headers: [
        ['via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx;rport'],
        ['call-id', 'c1'],
        ['cseq', '1 OPTIONS'],
      ],
    });
    expect(req.version).toBe('SIP/2.0');
    expect(req.headers.map((h) => h.name)).toEqual(['Via', 'Call-ID', 'CSeq']);
    expect(serializeMessage(req).toString('latin1')).toBe(
      'OPTIONS sip:alice@192.0.2.4:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx;rport\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
  });
});
