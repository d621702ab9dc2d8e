import { isIP } from 'node:net';
import type { NameAddr, SipRequest } from '../message/types.ts';
import type { Remote } from '../transport/index.ts';
import { parseContacts, parseNameAddr } from '../message/parsers.ts';
import { getHeader, getHeaderValues } from '../message/headers.ts';
import { createResponse } from '../message/serialize.ts';
import { ownString, percentDecode } from '../message/wire.ts';
import { newTag } from '../ids.ts';
import type { RequestContext } from '../stack.ts';
import type { ServerTransaction } from '../transaction/server-transactions.ts';
import { buildSipOrg, type SipDirectory, type SipOrg } from '../directory.ts';
import type { Authenticator } from './authenticator.ts';
import type { Binding, LocationService } from './location.ts';

export interface RegistrarOptions {
  directory: SipDirectory;
  location: LocationService;
  auth: Authenticator;
  now: () => number;
  minExpires?: number;
  maxExpires?: number;
  defaultExpires?: number;
}

const MAX_EXPIRES_VALUE = 2 ** 32 - 1;

/** RFC 3261 §10.3 registrar for device accounts, with RFC 8760 digest and RFC 5626 instance ids kept. */
export class Registrar {
  private readonly minExpires: number;
  private readonly maxExpires: number;
  private readonly defaultExpires: number;

  constructor(private readonly opts: RegistrarOptions) {
    this.minExpires = opts.minExpires ?? 60;
    this.maxExpires = opts.maxExpires ?? 3600;
    this.defaultExpires = opts.defaultExpires ?? 3600;
  }

  handle(req: SipRequest, tx: ServerTransaction, ctx: RequestContext): void {
    const reply = (status: number, reason: string, headers: Array<[string, string]> = []) => respond(tx, req, status, reason, headers);

    const to = parseNameAddr(getHeader(req, 'to') ?? '');
    if (!to || (to.uri.scheme !== 'sip' && to.uri.scheme !== 'sips')) return reply(400, 'Bad Request: To must be a SIP or SIPS URI');
    const org = this.opts.directory.byHost(to.uri.host);
    const source = ctx.remote.address;
    if (!org) {
      // Same challenge as for a real domain: a scanner learns nothing about which domains exist.
      const fake: SipOrg = unknownDomain(to.uri.host);
      const outcome = this.opts.auth.authenticate(req, fake, 'authorization', source);
      if (!outcome.ok)
        return reply(
          401,
          'Unauthorized',
          outcome.challenges.map((c) => ['WWW-Authenticate', c]),
        );
      return reply(403, 'Forbidden');
    }
    const outcome = this.opts.auth.authenticate(req, org, 'authorization', source);
    if (!outcome.ok)
      return reply(
        401,
        'Unauthorized',
        outcome.challenges.map((c) => ['WWW-Authenticate', c]),
      );
    const account = outcome.account;
    const aorUser = to.uri.user === null ? '' : percentDecode(to.uri.user).toLowerCase();
    if (aorUser !== account.username) return reply(403, 'Forbidden: the credentials do not belong to this address of record');

    const now = this.opts.now();
    const callId = getHeader(req, 'call-id') ?? '';
    const cseq = Number.parseInt(getHeader(req, 'cseq') ?? '0', 10);
    const headerExpires = parseExpires(getHeader(req, 'expires'));
    const contacts: NameAddr[] = [];
    let star = false;
    for (const h of req.headers) {
      if (h.key !== 'contact') continue;
      const parsed = parseContacts(h.value);
      if (parsed === null) return reply(400, 'Bad Request: unreadable Contact');
      if (parsed === '*') star = true;
      else contacts.push(...parsed);
    }
    if (star) {
      if (contacts.length > 0 || headerExpires !== 0) return reply(400, 'Bad Request: Contact * needs Expires: 0 and no other contact');
      for (const b of [...this.opts.location.lookup(account.deviceId, now)]) {
        if (b.callId === callId && cseq <= b.cseq) continue;
        this.opts.location.remove(account.deviceId, b.contact);
      }
      return reply(200, 'OK', this.bindingHeaders(account.deviceId, now));
    }

    const changes: Array<{ contact: NameAddr; expires: number }> = [];
    for (const c of contacts) {
      if (c.uri.scheme !== 'sip' && c.uri.scheme !== 'sips') return reply(400, 'Bad Request: only SIP and SIPS contacts can be registered');
      const p = c.params.get('expires');
      let expires = p !== undefined ? parseExpires(p ?? undefined) : headerExpires;
      if (expires === null) expires = this.defaultExpires;
      if (expires > 0 && expires < this.minExpires) return reply(423, 'Interval Too Brief', [['Min-Expires', String(this.minExpires)]]);
      changes.push({ contact: c, expires: Math.min(expires, this.maxExpires) });
    }
    for (const { contact, expires } of changes) {
      const existing = this.opts.location.find(account.deviceId, contact.rawUri);
      if (existing && existing.callId === callId && cseq <= existing.cseq) {
        if (cseq === existing.cseq) continue; // a retransmission that outlived its transaction
        return reply(500, 'Server Internal Error: CSeq out of order', [['Retry-After', '5']]);
      }
      if (expires === 0) {
        this.opts.location.remove(account.deviceId, contact.rawUri);
        continue;
      }
      const q = contact.params.get('q');
      const instance = contact.params.get('+sip.instance');
      const regId = contact.params.get('reg-id');
      const binding: Binding = {
        orgId: org.id,
        deviceId: account.deviceId,
        aor: `sip:${account.username}@${org.domain}`,
        contact: ownString(contact.rawUri),
        callId: ownString(callId),
        cseq,
        q: q ? Number.parseFloat(q) : null,
        instanceId: instance ? ownString(instance.replace(/^"|"$/g, '')) : null,
        regId: regId ? Number.parseInt(regId, 10) : null,
        expiresAt: now + expires * 1000,
        source: flowFor(contact, ctx.remote),
        userAgent: this.opts.location.internUserAgent(getHeader(req, 'user-agent') ?? ''),
        path: getHeaderValues(req, 'path').map(ownString),
      };
      this.opts.location.upsert(binding, now);
    }
    reply(200, 'OK', this.bindingHeaders(account.deviceId, now));
  }

  private bindingHeaders(deviceId: string, now: number): Array<[string, string]> {
    return this.opts.location.lookup(deviceId, now).map((b) => ['Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`]);
  }
}

/**
 * Where requests for a contact go. A contact whose IP is the address the REGISTER came from is
 * reached at its own port (a phone, or a test tool registering on another's behalf); any other
 * contact — a private address behind NAT, a host name, a WebSocket's invalid host — is reached
 * over the flow the REGISTER used (the nathelper rule of Kamailio setups, and RFC 5626's idea).
 * Connection-oriented flows keep their connection id so the open connection is reused.
 */
function flowFor(contact: NameAddr, remote: Remote): Remote {
  const host = contact.uri.host.startsWith('[') ? contact.uri.host.slice(1, -1) : contact.uri.host;
  if (isIP(host) === 0 || host !== remote.address) return remote;
  const port = contact.uri.port ?? (contact.uri.scheme === 'sips' ? 5061 : 5060);
  return { ...remote, port };
}

function respond(tx: ServerTransaction, req: SipRequest, status: number, reason: string, headers: Array<[string, string]>): void {
  tx.respond(createResponse(req, status, reason, { toTag: newTag(), headers }));
}

function parseExpires(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (!/^\d{1,10}$/.test(t)) return null;
  const n = Number(t);
  // RFC 3261 §20.19 / RFC 4475 §3.1.2.4: an overlarge value is treated as the default.
  return n > MAX_EXPIRES_VALUE ? null : n;
}

function unknownDomain(host: string): SipOrg {
  return buildSipOrg({
    org: { id: '', name: '', sipDomain: host, timeZone: 'UTC', maxOutboundCalls: 0, switchboardNumber: null },
    devices: [],
    users: [],
    numberRanges: [],
    trunks: [],
  });
}
