import type { Cdr } from '../../store/repos/cdrs-repo.ts';

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** The public shape of a call detail record. */
export function presentCdr(c: Cdr) {
  return {
    id: c.id,
    callId: c.callId,
    direction: c.direction,
    fromNumber: c.fromNumber,
    fromUserId: c.fromUserId,
    toNumber: c.toNumber,
    toUserId: c.toUserId,
    trunkId: c.trunkId,
    startedAt: c.startedAt,
    answeredAt: c.answeredAt,
    endedAt: c.endedAt,
    /** From start to end, ringing included. */
    durationSeconds: seconds(c.startedAt, c.endedAt),
    /** From answer to end; 0 for a call nobody answered. */
    talkSeconds: c.answeredAt ? seconds(c.answeredAt, c.endedAt) : 0,
    cause: c.cause,
    sipStatus: c.sipStatus,
    hangupBy: c.hangupBy,
  };
}
