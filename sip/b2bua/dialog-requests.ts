import type { HeaderField, SipRequest, SipResponse } from '../message/types.ts';
import type { DialogSide } from './call-types.ts';

/** The value of a header parameter such as ;tag=, from a raw From/To value (outside the URI's <...>). */
export function headerParam(value: string, name: string): string | null {
  const gt = value.lastIndexOf('>');
  const tail = (gt >= 0 ? value.slice(gt + 1) : value).toLowerCase();
  const needle = ';' + name + '=';
  let i = tail.indexOf(needle);
  if (i < 0) {
    i = tail.replace(/\s+/g, '').indexOf(needle);
    if (i < 0) return null;
    const compact = (gt >= 0 ? value.slice(gt + 1) : value).replace(/\s+/g, '');
    return readToken(compact, i + needle.length);
  }
  return readToken(gt >= 0 ? value.slice(gt + 1) : value, i + needle.length);
}

function readToken(s: string, start: number): string {
  let end = start;
  while (end < s.length && s[end] !== ';' && s[end] !== ',' && s[end] !== ' ' && s[end] !== '\t') end++;
  return s.slice(start, end);
}

/** The URI inside a name-addr value (or the whole addr-spec). */
export function uriOf(value: string): string {
  const lt = value.indexOf('<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    return value.slice(lt + 1, gt < 0 ? undefined : gt);
  }
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}

export function field(name: string, value: string): HeaderField {
  return { name, key: name.toLowerCase(), value };
}

export function first(m: SipRequest | SipResponse, key: string): string | undefined {
  for (const h of m.headers) if (h.key === key) return h.value;
  return undefined;
}

/** Record-Route values of a message, in order. */
export function recordRoutes(m: SipRequest | SipResponse): string[] {
  const out: string[] = [];
  for (const h of m.headers) if (h.key === 'record-route') for (const v of h.value.split(/,(?=\s*<)/)) out.push(v.trim());
  return out;
}

/** A new in-dialog request from us to the peer of `d` (RFC 3261 §12.2.1.1). The Via is added when sent. */
export function inDialogRequest(
  d: DialogSide,
  method: string,
  opts: { body?: Buffer; contentType?: string; cseq?: number; extra?: HeaderField[] } = {},
): SipRequest {
  const cseq = opts.cseq ?? ++d.localCseq;
  const headers: HeaderField[] = [];
  let uri = d.remoteTarget;
  const routes = d.routeSet;
  if (routes.length > 0) {
    const firstRoute = uriOf(routes[0]!);
    if (/;lr\b/i.test(firstRoute)) {
      for (const r of routes) headers.push(field('Route', r));
    } else {
      // Strict router (RFC 2543): the first route becomes the Request-URI, the target goes last.
      uri = firstRoute;
      for (const r of routes.slice(1)) headers.push(field('Route', r));
      headers.push(field('Route', `<${d.remoteTarget}>`));
    }
  }
  headers.push(field('Max-Forwards', '70'));
  headers.push(field('From', `<${d.localUri}>;tag=${d.localTag}`));
  headers.push(field('To', d.remoteTag ? `<${d.remoteUri}>;tag=${d.remoteTag}` : `<${d.remoteUri}>`));
  headers.push({ name: 'Call-ID', key: 'call-id', value: d.callId });
  headers.push({ name: 'CSeq', key: 'cseq', value: `${cseq} ${method}` });
  if (opts.extra) headers.push(...opts.extra);
  const body = opts.body ?? Buffer.alloc(0);
  if (body.length > 0 && opts.contentType) headers.push({ name: 'Content-Type', key: 'content-type', value: opts.contentType });
  return { kind: 'request', method, uri, version: 'SIP/2.0', headers, body };
}
