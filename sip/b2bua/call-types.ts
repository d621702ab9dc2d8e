import type { Remote } from '../transport/index.ts';
import type { SipRequest } from '../message/types.ts';
import type { RequestContext } from '../stack.ts';
import type { InviteServerTransaction } from '../transaction/server-transactions.ts';
import type { ClientTransaction } from '../transaction/client-transactions.ts';
import type { TimerHandle } from '../timers.ts';
import type { SipOrg, SipTrunk } from '../directory.ts';

export type CallCause = 'answered' | 'busy' | 'no_answer' | 'cancelled' | 'not_found' | 'rejected' | 'failed' | 'unavailable' | 'forbidden' | 'limit_reached';

/** One finished call, as the CDR sink receives it. */
export interface CallRecord {
  orgId: string;
  callId: string;
  direction: 'internal' | 'inbound' | 'outbound';
  fromNumber: string;
  fromUserId: string | null;
  toNumber: string;
  toUserId: string | null;
  trunkId: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  cause: CallCause;
  sipStatus: number | null;
  hangupBy: 'caller' | 'callee' | 'system' | null;
}

export interface CdrSink {
  record(cdr: CallRecord): void;
}

/** Our side of a dialog with one peer: what we need to send it in-dialog requests. */
export interface DialogSide {
  callId: string;
  localTag: string;
  remoteTag: string | null;
  /** Our URI in this dialog (From when we send requests). */
  localUri: string;
  remoteUri: string;
  /** Remote target (the peer's Contact). */
  remoteTarget: string;
  routeSet: string[];
  /** Where its requests go: the flow the peer used (NAT-safe, works for WebSocket). */
  flow: Remote;
  localCseq: number;
  /** Highest CSeq seen from the peer, to refuse out-of-order requests. */
  remoteCseq: number;
}

export interface Leg {
  tx: ClientTransaction | null;
  dialog: DialogSide;
  state: 'calling' | 'early' | 'answered' | 'cancelling' | 'done';
  finalStatus: number | null;
  trunk: SipTrunk | null;
  /** The request sent, kept until answered so a digest challenge from a trunk can be met. */
  invite: SipRequest;
  authTried: boolean;
}

export interface Call {
  id: string;
  org: SipOrg;
  direction: CallRecord['direction'];
  fromNumber: string;
  fromUserId: string | null;
  toNumber: string;
  toUserId: string | null;
  trunkId: string | null;
  startedAt: number;
  answeredAt: number | null;
  state: 'ringing' | 'answered' | 'ended';
  a: {
    tx: InviteServerTransaction;
    invite: SipRequest;
    ctx: RequestContext;
    dialog: DialogSide;
    ringingSent: boolean;
    earlyMediaFrom: Leg | null;
  };
  legs: Leg[];
  winner: Leg | null;
  /** B's 2xx is ACKed when A's ACK arrives, carrying A's body for late-offer calls. */
  bAckPending: boolean;
  lastBAck: SipRequest | null;
  noAnswerTimer: TimerHandle | null;
  outboundCounted: boolean;
}
