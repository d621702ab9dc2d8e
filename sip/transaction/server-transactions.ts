import type { Remote } from '../transport/index.ts';
import type { SipRequest, SipResponse } from '../message/types.ts';
import { serializeMessage } from '../message/serialize.ts';
import type { TimerHandle } from '../timers.ts';
import type { TransactionLayer } from './transaction-layer.ts';

export type ServerState = 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

/** A server transaction (RFC 3261 §17.2): the TU answers through respond(); retransmissions are absorbed here. */
export abstract class ServerTransaction {
  state: ServerState;
  /** The last response sent, serialized, for answering retransmissions. */
  protected last: Buffer | null = null;
  protected timer: TimerHandle | null = null;
  /** Called when the transaction ends, however it ends. */
  onTerminated: (() => void) | null = null;
  /** When a non-INVITE transaction completed (its Timer J runs from here). */
  completedAt = 0;

  constructor(
    protected readonly layer: TransactionLayer,
    readonly key: string,
    /** The request; a completed non-INVITE transaction lets go of it (only its response is needed then). */
    public request: SipRequest,
    /** Where responses go (RFC 3261 §18.2.2 with RFC 3581 rport), fixed when the request arrived. */
    readonly replyTo: Remote,
  ) {
    this.state = 'trying';
  }

  abstract respond(res: SipResponse): void;
  abstract receiveRetransmission(): void;

  get finalSent(): boolean {
    return this.state !== 'trying' && this.state !== 'proceeding';
  }

  protected transmit(res: SipResponse): void {
    this.last = serializeMessage(res);
    this.layer.io.send(this.last, this.replyTo);
  }

  protected resendLast(): void {
    if (this.last) this.layer.io.send(this.last, this.replyTo);
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.layer.timers.cancel(this.timer);
    this.timer = null;
    this.layer.removeServer(this);
    this.last = null;
    const cb = this.onTerminated;
    this.onTerminated = null;
    cb?.();
  }
}

/** Non-INVITE server transaction (§17.2.2): Trying → Proceeding → Completed (Timer J) → Terminated. */
export class NonInviteServerTransaction extends ServerTransaction {
  respond(res: SipResponse): void {
    if (this.finalSent || this.state === 'terminated') return;
    this.transmit(res);
    if (res.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    const { t1 } = this.layer.values;
    const j = this.layer.isReliable(this.replyTo) ? 0 : 64 * t1;
    // Timer J: one timer for all completed transactions (they share the duration), not one each.
    if (j === 0) this.terminate();
    else {
      this.request = RELEASED;
      this.layer.trackCompleted(this);
    }
  }

  receiveRetransmission(): void {
    if (this.state === 'proceeding' || this.state === 'completed') this.resendLast();
  }
}

/**
 * INVITE server transaction (§17.2.1 as amended by RFC 6026). A 2xx moves it to Accepted, where
 * it retransmits the 2xx until the ACK arrives (the UAS core's duty in §13.3.1.4, kept here so
 * every 2xx we send is covered) and absorbs retransmitted INVITEs for Timer L.
 */
export class InviteServerTransaction extends ServerTransaction {
  /** Set by the TU: the ACK for our 2xx arrived (its own transaction, matched by Call-ID and CSeq). */
  onAck: (() => void) | null = null;
  /** Set by the TU: no ACK came for the 2xx within 64·T1 — RFC 3261 §13.3.1.4 says end the session. */
  onAckTimeout: (() => void) | null = null;
  /** Set by the TU: a CANCEL matched this transaction. */
  onCancel: (() => void) | null = null;
  private retransmitTimer: TimerHandle | null = null;
  private interval = 0;
  private tryingTimer: TimerHandle | null = null;

  constructor(layer: TransactionLayer, key: string, request: SipRequest, replyTo: Remote) {
    super(layer, key, request, replyTo);
    this.state = 'proceeding';
  }

  /**
   * RFC 3261 §17.2.1: a 100 Trying if the TU has not answered within `ms`. A B2BUA that forks at
   * once usually relays a 180 long before, so the 100 (one more datagram per call) is rarely sent.
   */
  tryingAfter(ms: number, trying: () => SipResponse): void {
    if (this.tryingTimer || this.last) return;
    this.tryingTimer = this.layer.timers.after(ms, () => {
      this.tryingTimer = null;
      if (this.state === 'proceeding' && !this.last) this.transmit(trying());
    });
  }

  get accepted(): boolean {
    return this.state === 'accepted';
  }

  respond(res: SipResponse): void {
    if (this.state !== 'proceeding' && !(this.state === 'accepted' && res.status >= 200 && res.status < 300)) return;
    if (this.tryingTimer) {
      this.layer.timers.cancel(this.tryingTimer);
      this.tryingTimer = null;
    }
    this.transmit(res);
    if (res.status < 200) return;
    const { t1 } = this.layer.values;
    if (res.status < 300) {
      if (this.state === 'accepted') return; // another 2xx for a forked request: the TU owns it
      this.state = 'accepted';
      this.layer.waitForAck(this);
      this.interval = t1;
      this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmit2xx());
      this.timer = this.layer.timers.after(64 * t1, () => {
        const noAck = this.retransmitTimer !== null;
        this.layer.timers.cancel(this.retransmitTimer);
        this.retransmitTimer = null;
        this.terminate();
        if (noAck) this.onAckTimeout?.();
      });
      return;
    }
    this.state = 'completed';
    if (!this.layer.isReliable(this.replyTo)) {
      this.interval = t1;
      this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmitFinal());
    }
    this.timer = this.layer.timers.after(64 * t1, () => this.terminate());
  }

  /** The request was cancelled: the TU must still answer it (487) through respond(). */
  cancel(): void {
    if (this.state === 'proceeding') this.onCancel?.();
  }

  receiveRetransmission(): void {
    if (this.state === 'proceeding' || this.state === 'completed') this.resendLast();
  }

  /** ACK for a non-2xx final (Completed → Confirmed) or for our 2xx (stop retransmitting). */
  receiveAck(): void {
    if (this.state === 'completed') {
      this.state = 'confirmed';
      this.layer.timers.cancel(this.retransmitTimer);
      this.retransmitTimer = null;
      this.layer.timers.cancel(this.timer);
      const i = this.layer.isReliable(this.replyTo) ? 0 : this.layer.values.t4;
      if (i === 0) this.terminate();
      else this.timer = this.layer.timers.after(i, () => this.terminate());
    } else if (this.state === 'accepted' && this.retransmitTimer) {
      // Once the 2xx is acknowledged nothing is left to absorb but INVITE retransmissions, which
      // the dialog layer recognises by Call-ID and CSeq; ending here keeps no call's INVITE in
      // memory for Timer L's 32 s.
      const cb = this.onAck;
      this.onAck = null;
      this.terminate();
      cb?.();
    }
  }

  private retransmit2xx(): void {
    this.resendLast();
    this.interval = Math.min(this.interval * 2, this.layer.values.t2);
    this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmit2xx());
  }

  private retransmitFinal(): void {
    this.resendLast();
    this.interval = Math.min(this.interval * 2, this.layer.values.t2);
    this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmitFinal());
  }

  override terminate(): void {
    this.layer.timers.cancel(this.retransmitTimer);
    this.retransmitTimer = null;
    this.layer.timers.cancel(this.tryingTimer);
    this.tryingTimer = null;
    super.terminate();
  }
}

/** What a completed non-INVITE server transaction keeps instead of its request. */
const RELEASED: SipRequest = { kind: 'request', method: '', uri: '', version: 'SIP/2.0', headers: [], body: Buffer.alloc(0) };
