import type { Remote } from '../transport/index.ts';
import type { HeaderField, SipRequest, SipResponse } from '../message/types.ts';
import { serializeMessage } from '../message/serialize.ts';
import { splitList } from '../message/parsers.ts';
import type { TimerHandle } from '../timers.ts';
import type { TransactionLayer } from './transaction-layer.ts';

export interface ClientHandlers {
  onProvisional?(res: SipResponse): void;
  /** The first final response. */
  onFinal(res: SipResponse): void;
  /** INVITE only: a 2xx after the first one (a retransmission, or another fork) — re-ACK or hang it up. */
  onExtra2xx?(res: SipResponse): void;
  /** Timer B / F fired, or the transport could not send: the TU acts as if a 408 (or 503) came. */
  onTimeout(reason: 'timeout' | 'transport'): void;
}

export type ClientState = 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

export abstract class ClientTransaction {
  state: ClientState = 'trying';
  protected data: Buffer | null = null;
  protected timer: TimerHandle | null = null;
  protected retransmitTimer: TimerHandle | null = null;
  protected interval = 0;
  /** Set once any provisional response arrived: only then may a CANCEL be sent (RFC 3261 §9.1). */
  provisionalSeen = false;

  constructor(
    protected readonly layer: TransactionLayer,
    readonly key: string,
    readonly request: SipRequest,
    readonly remote: Remote,
    protected readonly handlers: ClientHandlers,
  ) {}

  abstract start(): void;
  abstract receiveResponse(res: SipResponse): void;

  protected sendRequest(): boolean {
    if (!this.data) this.data = serializeMessage(this.request);
    return this.layer.io.send(this.data, this.remote);
  }

  protected failTransport(): void {
    this.terminate();
    this.handlers.onTimeout('transport');
  }

  protected stopRetransmitting(): void {
    this.layer.timers.cancel(this.retransmitTimer);
    this.retransmitTimer = null;
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.stopRetransmitting();
    this.layer.timers.cancel(this.timer);
    this.timer = null;
    this.data = null;
    this.layer.removeClient(this);
  }
}

/** Non-INVITE client transaction (§17.1.2): Timer E retransmits (T1 doubling to T2), F times out, K absorbs. */
export class NonInviteClientTransaction extends ClientTransaction {
  start(): void {
    this.state = 'trying';
    if (!this.sendRequest()) return this.failTransport();
    const { t1 } = this.layer.values;
    if (!this.layer.isReliable(this.remote)) {
      this.interval = t1;
      this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmit());
    }
    this.timer = this.layer.timers.after(64 * t1, () => {
      if (this.state !== 'trying' && this.state !== 'proceeding') return;
      this.terminate();
      this.handlers.onTimeout('timeout');
    });
  }

  private retransmit(): void {
    this.sendRequest();
    const { t2 } = this.layer.values;
    this.interval = this.state === 'proceeding' ? t2 : Math.min(this.interval * 2, t2);
    this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmit());
  }

  receiveResponse(res: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (res.status < 200) {
      this.state = 'proceeding';
      this.provisionalSeen = true;
      this.handlers.onProvisional?.(res);
      return;
    }
    this.stopRetransmitting();
    this.layer.timers.cancel(this.timer);
    this.state = 'completed';
    const k = this.layer.isReliable(this.remote) ? 0 : this.layer.values.t4;
    if (k === 0) this.terminate();
    else this.timer = this.layer.timers.after(k, () => this.terminate());
    this.data = null;
    this.handlers.onFinal(res);
  }
}

/** INVITE client transaction (§17.1.1 with RFC 6026): Timer A/B while Calling; ACKs non-2xx itself; Accepted passes extra 2xx up for Timer M. */
export class InviteClientTransaction extends ClientTransaction {
  private ack: Buffer | null = null;
  private finalSeen = false;

  start(): void {
    this.state = 'calling';
    if (!this.sendRequest()) return this.failTransport();
    const { t1 } = this.layer.values;
    if (!this.layer.isReliable(this.remote)) {
      this.interval = t1;
      this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmit());
    }
    this.timer = this.layer.timers.after(64 * t1, () => {
      if (this.state !== 'calling') return;
      this.terminate();
      this.handlers.onTimeout('timeout');
    });
  }

  private retransmit(): void {
    this.sendRequest();
    this.interval *= 2;
    this.retransmitTimer = this.layer.timers.after(this.interval, () => this.retransmit());
  }

  receiveResponse(res: SipResponse): void {
    const s = res.status;
    if (s < 200) {
      if (this.state !== 'calling' && this.state !== 'proceeding') return;
      if (this.state === 'calling') {
        this.stopRetransmitting();
        this.layer.timers.cancel(this.timer);
        this.timer = null;
        this.state = 'proceeding';
      }
      this.provisionalSeen = true;
      this.handlers.onProvisional?.(res);
      return;
    }
    if (s < 300) {
      if (this.state === 'calling' || this.state === 'proceeding') {
        this.stopRetransmitting();
        this.layer.timers.cancel(this.timer);
        this.state = 'accepted';
        this.finalSeen = true;
        this.data = null;
        if (this.layer.endOnFirst2xx) {
          // RFC 6026's Accepted state only hands later 2xx to the TU; the stack's stray-response
          // path does the same by dialog, so nothing (and no call) waits here for Timer M.
          const handlers = this.handlers;
          this.terminate();
          handlers.onFinal(res);
          return;
        }
        this.timer = this.layer.timers.after(64 * this.layer.values.t1, () => this.terminate());
        this.handlers.onFinal(res);
      } else if (this.state === 'accepted') {
        this.handlers.onExtra2xx?.(res);
      }
      return;
    }
    if (this.state === 'calling' || this.state === 'proceeding') {
      this.stopRetransmitting();
      this.layer.timers.cancel(this.timer);
      this.state = 'completed';
      this.ack = serializeMessage(buildNon2xxAck(this.request, res));
      this.layer.io.send(this.ack, this.remote);
      this.data = null;
      const d = this.layer.isReliable(this.remote) ? 0 : 32_000;
      if (d === 0) this.terminate();
      else this.timer = this.layer.timers.after(d, () => this.terminate());
      if (!this.finalSeen) {
        this.finalSeen = true;
        this.handlers.onFinal(res);
      }
    } else if (this.state === 'completed' && this.ack) {
      this.layer.io.send(this.ack, this.remote);
    }
  }

  override terminate(): void {
    this.ack = null;
    super.terminate();
  }
}

/** The ACK a client transaction sends for a 300–699 (RFC 3261 §17.1.1.3): same branch, the response's To. */
export function buildNon2xxAck(invite: SipRequest, res: SipResponse): SipRequest {
  const headers: HeaderField[] = [];
  const pick = (key: string, from: HeaderField[], onlyFirst: boolean) => {
    for (const h of from) {
      if (h.key === key) {
        headers.push(h);
        if (onlyFirst) return;
      }
    }
  };
  pick('via', invite.headers, true);
  // Only the top Via value: a header field may hold several comma-separated values.
  const top = headers[0];
  if (top && top.value.includes(',')) headers[0] = { ...top, value: splitList(top.value)[0] ?? top.value };
  headers.push({ name: 'Max-Forwards', key: 'max-forwards', value: '70' });
  pick('from', invite.headers, true);
  pick('to', res.headers, true);
  pick('call-id', invite.headers, true);
  const cseq = invite.headers.find((h) => h.key === 'cseq')?.value ?? '1 INVITE';
  headers.push({ name: 'CSeq', key: 'cseq', value: cseq.slice(0, cseq.indexOf(' ')) + ' ACK' });
  pick('route', invite.headers, false);
  return { kind: 'request', method: 'ACK', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}
