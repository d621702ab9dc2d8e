import type { Remote } from '../transport/index.ts';
import type { SipRequest, SipResponse, Via } from '../message/types.ts';
import { serializeMessage } from '../message/serialize.ts';
import { getHeader } from '../message/headers.ts';
import type { TimerHandle, Timers } from '../timers.ts';
import type { ServerTransaction } from './server-transactions.ts';
import { InviteServerTransaction, NonInviteServerTransaction } from './server-transactions.ts';
import type { ClientTransaction } from './client-transactions.ts';
import { InviteClientTransaction, NonInviteClientTransaction, type ClientHandlers } from './client-transactions.ts';

export interface TimerValues {
  t1: number;
  t2: number;
  t4: number;
}

export const DEFAULT_TIMER_VALUES: TimerValues = { t1: 500, t2: 4000, t4: 5000 };

const MAGIC = 'z9hG4bK';

/** What the transaction layer needs from below: a way to put bytes on the wire. */
export interface TransactionIo {
  send(data: Buffer, remote: Remote): boolean;
}

/** A request the layer did not absorb, with the transaction it created (none for ACK). */
export type RequestDisposition =
  | { kind: 'new'; tx: ServerTransaction }
  | { kind: 'retransmission' }
  | { kind: 'ack-2xx'; tx: InviteServerTransaction | null }
  | { kind: 'ack-absorbed' }
  | { kind: 'cancel'; tx: NonInviteServerTransaction; invite: InviteServerTransaction | null };

/**
 * RFC 3261 §17 transaction matching and ownership, with RFC 6026's Accepted states. It keeps
 * every live transaction in maps keyed the way §17.1.3 and §17.2.3 match them; the
 * transactions themselves carry the state machines and timers.
 */
export class TransactionLayer {
  readonly timers: Timers;
  readonly values: TimerValues;
  readonly io: TransactionIo;
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();
  /** INVITE server transactions that sent a 2xx and wait for its ACK, by Call-ID and CSeq number (the ACK has its own branch). */
  private readonly awaitingAck = new Map<string, InviteServerTransaction>();
  /** Completed non-INVITE server transactions in the order they completed, to bound the memory Timer J holds. */
  private readonly completed = new Set<ServerTransaction>();
  /** At most this many completed non-INVITE transactions wait out Timer J; beyond it the oldest end early (Kamailio keeps 5 s). */
  maxCompleted = 50_000;
  /** End an INVITE client transaction at its first 2xx; later 2xx reach the application as stray responses (the B2BUA sets this). */
  endOnFirst2xx = false;

  constructor(io: TransactionIo, timers: Timers, values: Partial<TimerValues> = {}) {
    this.io = io;
    this.timers = timers;
    this.values = { ...DEFAULT_TIMER_VALUES, ...values };
  }

  /** Matches an incoming request (already validated, top Via parsed) to a server transaction or creates one. */
  receiveRequest(req: SipRequest, via: Via, replyTo: Remote): RequestDisposition {
    const method = req.method;
    const branch = via.params.get('branch') ?? null;
    if (method === 'ACK') {
      const key = serverKey(req, via, branch, 'INVITE');
      const tx = this.servers.get(key);
      if (tx instanceof InviteServerTransaction && !tx.accepted) {
        tx.receiveAck();
        return { kind: 'ack-absorbed' };
      }
      const waiting = this.awaitingAck.get(ackKey(req));
      if (waiting) waiting.receiveAck();
      return { kind: 'ack-2xx', tx: waiting ?? null };
    }
    const key = serverKey(req, via, branch, method);
    const existing = this.servers.get(key);
    if (existing) {
      existing.receiveRetransmission();
      return { kind: 'retransmission' };
    }
    if (method === 'INVITE') {
      const tx = new InviteServerTransaction(this, key, req, replyTo);
      this.servers.set(key, tx);
      return { kind: 'new', tx };
    }
    const tx = new NonInviteServerTransaction(this, key, req, replyTo);
    this.servers.set(key, tx);
    if (method === 'CANCEL') {
      const invite = this.servers.get(serverKey(req, via, branch, 'INVITE'));
      return { kind: 'cancel', tx, invite: invite instanceof InviteServerTransaction ? invite : null };
    }
    return { kind: 'new', tx };
  }

  /** Hands a response to its client transaction; false when none matches (a stray 2xx retransmission, say). */
  receiveResponse(res: SipResponse, via: Via): boolean {
    const branch = via.params.get('branch');
    if (!branch) return false;
    const cseq = getHeader(res, 'cseq');
    const method = cseq ? cseq.slice(cseq.lastIndexOf(' ') + 1).trim() : '';
    const tx = this.clients.get(branch + '|' + method);
    if (!tx) return false;
    tx.receiveResponse(res);
    return true;
  }

  /** Starts a client transaction: `req` must carry its top Via with a branch from newBranch(). */
  sendRequest(req: SipRequest, branch: string, remote: Remote, handlers: ClientHandlers): ClientTransaction {
    const key = branch + '|' + req.method;
    const tx =
      req.method === 'INVITE'
        ? new InviteClientTransaction(this, key, req, remote, handlers)
        : new NonInviteClientTransaction(this, key, req, remote, handlers);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends a request outside any transaction (ACK for a 2xx): serialized once, no retransmission. */
  sendStateless(msg: SipRequest | SipResponse, remote: Remote): Buffer {
    const data = serializeMessage(msg);
    this.io.send(data, remote);
    return data;
  }

  isReliable(remote: Remote): boolean {
    return remote.transport !== 'udp';
  }

  /** @internal */ waitForAck(tx: InviteServerTransaction): void {
    this.awaitingAck.set(ackKey(tx.request), tx);
  }
  /** @internal */ stopWaitingForAck(tx: InviteServerTransaction): void {
    const k = ackKey(tx.request);
    if (this.awaitingAck.get(k) === tx) this.awaitingAck.delete(k);
  }
  /** @internal */ trackCompleted(tx: ServerTransaction): void {
    tx.completedAt = this.timers.now();
    this.completed.add(tx);
    if (this.completed.size > this.maxCompleted) {
      const oldest = this.completed.values().next().value;
      oldest?.terminate();
    }
    if (!this.timerJ) this.armTimerJ();
  }

  private timerJ: TimerHandle | null = null;

  /** One timer for the oldest completed transaction; Timer J is the same for all, so they expire in order. */
  private armTimerJ(): void {
    const oldest = this.completed.values().next().value;
    if (!oldest) return;
    const j = 64 * this.values.t1;
    this.timerJ = this.timers.after(Math.max(0, oldest.completedAt + j - this.timers.now()), () => {
      this.timerJ = null;
      const now = this.timers.now();
      for (const tx of this.completed) {
        if (now - tx.completedAt < j) break;
        tx.terminate();
      }
      this.armTimerJ();
    });
  }
  /** @internal */ removeServer(tx: ServerTransaction): void {
    this.completed.delete(tx);
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
    if (tx instanceof InviteServerTransaction) this.stopWaitingForAck(tx);
  }
  /** @internal */ removeClient(tx: ClientTransaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
  }

  counts(): { server: number; client: number; awaitingAck: number } {
    return { server: this.servers.size, client: this.clients.size, awaitingAck: this.awaitingAck.size };
  }

  /** Ends every transaction without sending anything (shutdown). */
  clear(): void {
    this.timers.cancel(this.timerJ);
    this.timerJ = null;
    for (const tx of [...this.servers.values()]) tx.terminate();
    for (const tx of [...this.clients.values()]) tx.terminate();
    this.awaitingAck.clear();
  }
}

function serverKey(req: SipRequest, via: Via, branch: string | null, method: string): string {
  const sentBy = via.host + ':' + (via.port ?? '');
  // RFC 3261 §17.2.3 matches on branch, sent-by and method; the Call-ID is added because some
  // clients (and the RFC 4475 corpus) reuse branch values across requests, and a retransmission
  // always carries the same Call-ID, so the stricter key never splits a real transaction.
  if (branch !== null && branch.length > MAGIC.length && branch.startsWith(MAGIC))
    return branch + '|' + sentBy + '|' + method + '|' + (getHeader(req, 'call-id') ?? '');
  // RFC 2543 peers: no usable branch, so match on the dialog-forming fields (RFC 3261 §17.2.3).
  return '2543|' + (getHeader(req, 'call-id') ?? '') + '|' + cseqNumber(req) + '|' + fromTag(req) + '|' + sentBy + '|' + req.uri + '|' + method;
}

function ackKey(req: SipRequest): string {
  return (getHeader(req, 'call-id') ?? '') + '|' + cseqNumber(req);
}

function cseqNumber(req: SipRequest): string {
  const c = getHeader(req, 'cseq') ?? '';
  const sp = c.indexOf(' ');
  return sp < 0 ? c : c.slice(0, sp);
}

function fromTag(req: SipRequest): string {
  const f = getHeader(req, 'from') ?? '';
  const i = f.toLowerCase().indexOf(';tag=');
  if (i < 0) return '';
  const rest = f.slice(i + 5);
  const end = rest.search(/[;,\s]/);
  return end < 0 ? rest : rest.slice(0, end);
}
