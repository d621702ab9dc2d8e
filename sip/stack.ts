import type { LocalEndpoint, Remote, SipTransport } from './transport/index.ts';
import type { ParseFailure, SipMessage, SipRequest, SipResponse, Via } from './message/types.ts';
import { parseMessage, validateRequest, validateResponse } from './message/parse.ts';
import { checkRequestAsElement } from './message/element-checks.ts';
import { formatVia, parseVia, splitList } from './message/parsers.ts';
import { getHeader } from './message/headers.ts';
import { createResponse, serializeMessage } from './message/serialize.ts';
import type { SipGuard } from './security/guard.ts';
import type { Timers } from './timers.ts';
import { TransactionLayer, type TimerValues } from './transaction/transaction-layer.ts';
import type { ServerTransaction } from './transaction/server-transactions.ts';
import type { ClientHandlers, ClientTransaction } from './transaction/client-transactions.ts';
import { newBranch, newTag } from './ids.ts';

export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'INFO',
  'UPDATE',
  'PRACK',
  'REFER',
  'NOTIFY',
  'SUBSCRIBE',
  'MESSAGE',
]);
export const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE, REFER, NOTIFY';
/**
 * Option tags we accept in Require: only what we implement end to end (RFC 3261 §8.2.2.3). Path
 * (RFC 3327): bindings keep the Path and requests to them carry it as their route set. Outbound
 * (RFC 5626) and Replaces are not claimed until they are implemented.
 */
export const SUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set(['path']);
const ACCEPTED_CONTENT_TYPES: ReadonlySet<string> = new Set(['application/sdp', 'application/dtmf-relay', 'application/dtmf', 'message/sipfrag', 'text/plain']);

export interface RequestContext {
  remote: Remote;
  local: LocalEndpoint;
  /** The top Via, already stamped with received/rport (RFC 3581). */
  via: Via;
  /** Where responses to this request go. */
  replyTo: Remote;
}

/** The transaction user: the registrar and the B2BUA behind one dispatcher. */
export interface SipApplication {
  /** A new request with its server transaction (never ACK or CANCEL). The application must answer it. */
  onRequest(req: SipRequest, tx: ServerTransaction, ctx: RequestContext): void;
  /** An ACK for a 2xx (matched to nothing, or to our Accepted INVITE transaction). */
  onAck(req: SipRequest, ctx: RequestContext): void;
  /** A response no client transaction wanted: typically a retransmitted 2xx after the transaction ended. */
  onStrayResponse?(res: SipResponse, remote: Remote): void;
}

export interface SipStackOptions {
  transport: SipTransport;
  timers: Timers;
  guard?: SipGuard | null;
  timerValues?: Partial<TimerValues>;
  /** One line per event worth a log (malformed input, transport errors). */
  log?: (event: string, fields: Record<string, unknown>) => void;
  serverHeader?: string;
}

/**
 * The receive path: bytes → parse → validate (RFC 4475's answers) → guard → transaction
 * matching → application; and the send path for the application's requests with our own Via.
 */
export class SipStack {
  readonly transactions: TransactionLayer;
  private app: SipApplication | null = null;
  private readonly transport: SipTransport;
  private readonly guard: SipGuard | null;
  private readonly log: (event: string, fields: Record<string, unknown>) => void;
  readonly counters = { received: 0, malformed: 0, dropped: 0, stateless: 0 };
  private readonly viaHost = new Map<string, string>();

  constructor(opts: SipStackOptions) {
    this.transport = opts.transport;
    this.guard = opts.guard ?? null;
    this.log = opts.log ?? (() => {});
    this.transactions = new TransactionLayer(
      {
        send: (d, r) => {
          if (TRACE) traceLine('out', d, r);
          return this.transport.send(d, r);
        },
      },
      opts.timers,
      opts.timerValues,
    );
  }

  setApplication(app: SipApplication): void {
    this.app = app;
  }

  /** Entry point for the transport layer. Never throws: a message that breaks a handler is logged and dropped. */
  receive(data: Buffer, remote: Remote, local: LocalEndpoint): void {
    this.counters.received++;
    if (TRACE) traceLine('in ', data, remote);
    try {
      const parsed = parseMessage(data, { stream: remote.transport !== 'udp' });
      if (isFailure(parsed)) return this.rejectUnparsed(parsed, remote, local);
      if (parsed.kind === 'request') this.receiveRequest(parsed, remote, local);
      else this.receiveResponse(parsed, remote);
    } catch (err) {
      this.counters.dropped++;
      this.log('sip_handler_error', { source: `${remote.address}:${remote.port}`, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private receiveRequest(req: SipRequest, remote: Remote, local: LocalEndpoint): void {
    if (this.guard) {
      const verdict = this.guard.admit(remote.address, getHeader(req, 'user-agent'));
      if (verdict !== 'ok') {
        this.counters.dropped++;
        return;
      }
    }
    const invalid = validateRequest(req);
    if (invalid) return this.reject({ ...invalid, message: req }, remote);
    const via = topVia(req);
    if (!via) return this.reject({ action: 'reply', status: 400, reason: 'Bad Request: unreadable Via', message: req }, remote);
    stampVia(req, via, remote);
    const replyTo = responseTarget(via, remote);
    const ctx: RequestContext = { remote, local, via, replyTo };
    if (req.method !== 'ACK') {
      const refused = checkRequestAsElement(req, {
        knownMethods: KNOWN_METHODS,
        supportedExtensions: SUPPORTED_EXTENSIONS,
        acceptedContentTypes: ACCEPTED_CONTENT_TYPES,
      });
      if (refused) return this.replyStateless(req, refused, replyTo);
    }
    const d = this.transactions.receiveRequest(req, via, replyTo);
    switch (d.kind) {
      case 'new':
        this.app?.onRequest(req, d.tx, ctx);
        return;
      case 'cancel':
        if (!d.invite || d.invite.finalSent) {
          d.tx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
          return;
        }
        d.tx.respond(createResponse(req, 200, 'OK'));
        d.invite.cancel();
        return;
      case 'ack-2xx':
        this.app?.onAck(req, ctx);
        return;
      default:
        return;
    }
  }

  private receiveResponse(res: SipResponse, remote: Remote): void {
    if (validateResponse(res)) {
      this.counters.dropped++;
      return;
    }
    const via = topVia(res);
    if (!via) return;
    if (!this.transactions.receiveResponse(res, via)) this.app?.onStrayResponse?.(res, remote);
  }

  /** A message that failed to parse: it has not met the guard yet. */
  private rejectUnparsed(f: ParseFailure, remote: Remote, _local: LocalEndpoint): void {
    const req = f.message;
    if (this.guard && req?.kind === 'request' && this.guard.admit(remote.address, getHeader(req, 'user-agent')) !== 'ok') {
      this.counters.dropped++;
      return;
    }
    this.reject(f, remote);
  }

  /** Answers (or drops) a message refused before any transaction; the guard has already admitted it. */
  private reject(f: ParseFailure, remote: Remote): void {
    this.counters.malformed++;
    const req = f.message;
    this.log('sip_malformed', { source: `${remote.address}:${remote.port}`, status: f.status, reason: f.reason });
    if (f.action !== 'reply' || !req || req.kind !== 'request' || req.method === 'ACK') return;
    const via = topVia(req);
    this.replyStateless(req, f, via ? responseTarget(via, remote) : remote);
  }

  /** Answers without a transaction: for requests refused before one exists (RFC 3261 §8.2 checks). */
  replyStateless(req: SipRequest, f: Pick<ParseFailure, 'status' | 'reason' | 'unsupported'>, to: Remote): void {
    this.counters.stateless++;
    const headers: Array<[string, string]> = [];
    if (f.status === 405 || f.status === 501) headers.push(['Allow', ALLOW]);
    if (f.status === 420 && f.unsupported?.length) headers.push(['Unsupported', f.unsupported.join(', ')]);
    if (f.status === 415) headers.push(['Accept', 'application/sdp']);
    let res: SipResponse;
    try {
      res = createResponse(req, f.status, f.reason, { headers, toTag: newTag() });
    } catch {
      return; // not even enough headers to address a response
    }
    this.transport.send(serializeMessage(res), to);
  }

  /** Our Via for a request sent to `remote`: the matching local endpoint, a fresh branch and rport. */
  viaFor(remote: Remote, branch: string): string {
    const transport = remote.transport;
    let hostPort = this.viaHost.get(transport);
    if (hostPort === undefined) {
      const ep = this.transport.endpoints().find((e) => e.transport === transport) ?? this.transport.endpoints()[0];
      const host = ep ? (ep.address.includes(':') ? `[${ep.address}]` : ep.address) : '127.0.0.1';
      hostPort = ep ? `${host}:${ep.port}` : host;
      this.viaHost.set(transport, hostPort);
    }
    return `SIP/2.0/${transport.toUpperCase()} ${hostPort};branch=${branch};rport`;
  }

  /** The host:port we are reachable at over this transport (for Contact headers). */
  contactHostPort(transport: Remote['transport']): string {
    const known = this.viaHost.get(transport);
    if (known !== undefined) return known;
    this.viaFor({ transport, address: '', port: 0 }, '');
    return this.viaHost.get(transport) ?? '127.0.0.1';
  }

  /** Sends a request in a new client transaction; the Via is put on top here. */
  request(req: SipRequest, remote: Remote, handlers: ClientHandlers): ClientTransaction {
    const branch = newBranch();
    req.headers.unshift({ name: 'Via', key: 'via', value: this.viaFor(remote, branch) });
    return this.transactions.sendRequest(req, branch, remote, handlers);
  }

  /** Sends an ACK for a 2xx (its own transaction-less request, RFC 3261 §13.2.2.4) with a fresh Via. */
  sendAck(ack: SipRequest, remote: Remote): void {
    ack.headers.unshift({ name: 'Via', key: 'via', value: this.viaFor(remote, newBranch()) });
    this.transactions.sendStateless(ack, remote);
  }

  /** Sends a CANCEL for a pending INVITE client transaction (same branch and Via, RFC 3261 §9.1). */
  cancel(invite: ClientTransaction, handlers: ClientHandlers): ClientTransaction {
    const r = invite.request;
    const pick = (key: string) => r.headers.find((h) => h.key === key);
    const via = pick('via')!;
    const headers = [via, { name: 'Max-Forwards', key: 'max-forwards', value: '70' }, pick('from')!, pick('to')!, pick('call-id')!];
    const cseq = pick('cseq')!.value;
    headers.push({ name: 'CSeq', key: 'cseq', value: cseq.slice(0, cseq.indexOf(' ')) + ' CANCEL' });
    for (const h of r.headers) if (h.key === 'route') headers.push(h);
    const cancel: SipRequest = { kind: 'request', method: 'CANCEL', uri: r.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    const branch = parseVia(via.value)?.params.get('branch') ?? newBranch();
    return this.transactions.sendRequest(cancel, branch, invite.remote, handlers);
  }

  async close(): Promise<void> {
    this.transactions.clear();
  }
}

/** VAXEL_SIP_TRACE=1 prints every message's first lines to stderr (debugging only: slow). */
const TRACE = process.env.VAXEL_SIP_TRACE === '1';

function traceLine(dir: string, data: Buffer, r: Remote): void {
  const text = data.toString('latin1');
  const lines = text.split('\r\n');
  const pick = lines.filter((l, i) => i === 0 || /^(via|v|call-id|i|cseq|to|t):/i.test(l));
  process.stderr.write(`[sip ${dir}] ${r.transport}:${r.address}:${r.port} | ${pick.join(' | ')}\n`);
}

function isFailure(x: SipMessage | ParseFailure): x is ParseFailure {
  return (x as ParseFailure).action !== undefined;
}

function topVia(m: SipMessage): Via | null {
  const h = m.headers.find((f) => f.key === 'via');
  if (!h) return null;
  const first = h.value.includes(',') ? splitList(h.value)[0] : h.value;
  return first ? parseVia(first) : null;
}

/** RFC 3261 §18.2.1 received and RFC 3581 rport, written into the top Via so every response carries them. */
function stampVia(req: SipRequest, via: Via, remote: Remote): void {
  const wantsRport = via.params.has('rport');
  if (!wantsRport && via.host === remote.address) return;
  via.params.set('received', remote.address);
  if (wantsRport) via.params.set('rport', String(remote.port));
  const field = req.headers.find((f) => f.key === 'via')!;
  if (field.value.includes(',')) {
    const rest = splitList(field.value).slice(1);
    field.value = [formatVia(via), ...rest].join(', ');
  } else {
    field.value = formatVia(via);
  }
}

/** RFC 3261 §18.2.2 and RFC 3581 §4: always the source address (no DNS lookups, no maddr, no spoofed Via hosts). */
function responseTarget(via: Via, remote: Remote): Remote {
  if (remote.transport !== 'udp') return remote;
  const port = via.params.has('rport') ? remote.port : (via.port ?? 5060);
  return { transport: 'udp', address: remote.address, port };
}
