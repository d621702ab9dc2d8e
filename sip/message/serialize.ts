/** Building messages and turning them into bytes (RFC 3261 §7, §8.2.6). */
import { getHeader, headerField } from './headers.ts';
import { nameAddrEnd, scanNameAddr, scanParams } from './parsers.ts';
import type { HeaderField, SipRequest, SipResponse, SipMessage } from './types.ts';

interface Latin1WritableBuffer {
  latin1Write(s: string, offset: number, length: number): number;
}

/**
 * Start line, the headers in order under their own names, then CRLF CRLF and the body, all wire
 * strings written as latin1. Content-Length always states body.length: the first existing field
 * (whatever its spelling, 'l' included) gets the value, later ones are left out, and one is added
 * at the end when there was none.
 */
export function serializeMessage(m: SipMessage): Buffer {
  let head = m.kind === 'request' ? `${m.method} ${m.uri} ${m.version}\r\n` : `${m.version} ${m.status} ${m.reason}\r\n`;
  const length = String(m.body.length);
  let haveLength = false;
  const hs = m.headers;
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    if (h.key === 'content-length') {
      if (haveLength) continue;
      haveLength = true;
      head += h.name + ': ' + length + '\r\n';
    } else head += h.name + ': ' + h.value + '\r\n';
  }
  if (!haveLength) head += 'Content-Length: ' + length + '\r\n';
  head += '\r\n';
  const out = Buffer.allocUnsafe(head.length + m.body.length);
  (out as unknown as Latin1WritableBuffer).latin1Write(head, 0, head.length);
  if (m.body.length > 0) m.body.copy(out, head.length);
  return out;
}

const RESPONSE_COPIED: Array<[string, string]> = [
  ['from', 'From'],
  ['to', 'To'],
  ['call-id', 'Call-ID'],
  ['cseq', 'CSeq'],
];

/** Whether a To value carries a tag parameter; a To that does not parse is left alone (false would add one to garbage). */
function hasTag(to: string): boolean {
  if (scanNameAddr(to, 0, to.length, null, false) !== to.length) return true;
  const p = nameAddrEnd.uriEnd;
  if (to.indexOf(';', p) < 0) return false;
  const params = new Map<string, string | null>();
  scanParams(to, p, to.length, params, false);
  return params.has('tag');
}

/**
 * A response to `req` per §8.2.6.2: every Via field in order, then From, To (with ;tag=toTag added
 * when the To has none and toTag is given), Call-ID and CSeq, each the first such field of the
 * request and under its long name; a 100 also copies Timestamp (§8.2.6.1). Record-Route is not
 * copied: only the dialog layer knows when it belongs (§12.1.1). `headers` follow; `body` and
 * `contentType` set the body and its Content-Type. Content-Length is written by serializeMessage.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason: string,
  opts?: { toTag?: string; headers?: Array<[string, string]>; body?: Buffer; contentType?: string },
): SipResponse {
  const headers: HeaderField[] = [];
  const rh = req.headers;
  for (let i = 0; i < rh.length; i++) if (rh[i]!.key === 'via') headers.push({ name: 'Via', key: 'via', value: rh[i]!.value });
  for (const [key, name] of RESPONSE_COPIED) {
    const h = rh.find((f) => f.key === key);
    if (h === undefined) continue;
    let value = h.value;
    if (key === 'to' && opts?.toTag !== undefined && !hasTag(value)) value = `${value};tag=${opts.toTag}`;
    headers.push({ name, key, value });
  }
  if (status === 100) {
    const ts = getHeader(req, 'timestamp');
    if (ts !== undefined) headers.push({ name: 'Timestamp', key: 'timestamp', value: ts });
  }
  for (const [name, value] of opts?.headers ?? []) headers.push(headerField(name, value));
  if (opts?.contentType !== undefined) headers.push({ name: 'Content-Type', key: 'content-type', value: opts.contentType });
  return { kind: 'response', status, reason, version: 'SIP/2.0', headers, body: opts?.body ?? Buffer.alloc(0) };
}

/** A new request with version SIP/2.0; header names get their canonical spelling. */
export function createRequest(init: { method: string; uri: string; headers: Array<[string, string]>; body?: Buffer }): SipRequest {
  return {
    kind: 'request',
    method: init.method,
    uri: init.uri,
    version: 'SIP/2.0',
    headers: init.headers.map(([n, v]) => headerField(n, v)),
    body: init.body ?? Buffer.alloc(0),
  };
}
