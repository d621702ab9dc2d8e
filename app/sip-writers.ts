import type { Store } from '../store/store.ts';
import type { RegistrationKey, RegistrationRow } from '../store/repos/registrations-repo.ts';
import type { CdrInsert } from '../store/repos/cdrs-repo.ts';
import type { Binding, BindingSink } from '../sip/registrar/location.ts';
import type { CallRecord, CdrSink } from '../sip/b2bua/call-types.ts';

type RegistrationStore = Pick<Store['registrations'], 'upsertMany' | 'deleteMany'>;
type CdrStore = Pick<Store['cdrs'], 'insertMany'>;

/**
 * Bindings changed since the last flush, last change per binding wins. A refresh that only moves
 * the expiry forward by less than a quarter of the interval is not written: after a crash the
 * binding comes back with a slightly earlier expiry, well before which the phone refreshes. It
 * keeps a registrar under re-registration load from rewriting every row every few seconds.
 */
export class BindingWriter implements BindingSink {
  private changed = new Map<string, Binding | RegistrationKey>();
  private readonly persisted = new Map<string, { expiresAt: number; flow: string }>();

  constructor(
    private readonly store: { registrations: RegistrationStore },
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Bindings restored at start are already in the store. */
  restored(b: Binding): void {
    this.persisted.set(key(b), { expiresAt: b.expiresAt, flow: flowOf(b) });
  }

  saved(b: Binding): void {
    const k = key(b);
    const pending = this.changed.get(k);
    const before = this.persisted.get(k);
    const pendingDelete = pending !== undefined && !('callId' in pending);
    if (!pendingDelete && pending === undefined && before && before.flow === flowOf(b) && b.expiresAt >= before.expiresAt) {
      if (b.expiresAt - before.expiresAt < (b.expiresAt - this.now()) / 4) return;
    }
    this.changed.set(k, b);
  }

  removed(b: Binding): void {
    const k = key(b);
    if (!this.persisted.has(k) && this.changed.has(k)) {
      this.changed.delete(k); // never written: nothing to delete
      return;
    }
    this.changed.set(k, { orgId: b.orgId, deviceId: b.deviceId, contact: b.contact });
  }

  async flush(): Promise<void> {
    if (this.changed.size === 0) return;
    const batch = this.changed;
    this.changed = new Map();
    const upserts: RegistrationRow[] = [];
    const deletes: RegistrationKey[] = [];
    for (const v of batch.values()) {
      if ('callId' in v) upserts.push(toRow(v));
      else deletes.push(v);
    }
    try {
      if (deletes.length > 0) await this.store.registrations.deleteMany(deletes);
      if (upserts.length > 0) await this.store.registrations.upsertMany(upserts);
      for (const [k, v] of batch) {
        if ('callId' in v) this.persisted.set(k, { expiresAt: v.expiresAt, flow: flowOf(v) });
        else this.persisted.delete(k);
      }
    } catch (err) {
      // Put them back unless a newer change arrived meanwhile; the next flush retries.
      for (const [k, v] of batch) if (!this.changed.has(k)) this.changed.set(k, v);
      throw err;
    }
  }
}

function flowOf(b: Binding): string {
  return `${b.source.transport}:${b.source.address}:${b.source.port}:${b.instanceId ?? ''}`;
}

export class CdrWriter implements CdrSink {
  private pending: CdrInsert[] = [];

  constructor(private readonly store: { cdrs: CdrStore }) {}

  record(c: CallRecord): void {
    this.pending.push({
      orgId: c.orgId,
      callId: c.callId,
      direction: c.direction,
      fromNumber: c.fromNumber,
      fromUserId: c.fromUserId,
      toNumber: c.toNumber,
      toUserId: c.toUserId,
      trunkId: c.trunkId,
      startedAt: new Date(c.startedAt),
      answeredAt: c.answeredAt === null ? null : new Date(c.answeredAt),
      endedAt: new Date(c.endedAt),
      cause: c.cause,
      sipStatus: c.sipStatus,
      hangupBy: c.hangupBy,
    });
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.store.cdrs.insertMany(batch);
    } catch (err) {
      this.pending = batch.concat(this.pending);
      throw err;
    }
  }
}

function key(b: { orgId: string; deviceId: string; contact: string }): string {
  return b.orgId + '\u0000' + b.deviceId + '\u0000' + b.contact;
}

function toRow(b: Binding): RegistrationRow {
  return {
    orgId: b.orgId,
    deviceId: b.deviceId,
    aor: b.aor,
    contact: b.contact,
    instanceId: b.instanceId,
    regId: b.regId,
    callId: b.callId,
    cseq: b.cseq,
    q: b.q,
    expiresAt: new Date(b.expiresAt),
    receivedTransport: b.source.transport,
    receivedAddress: b.source.address,
    receivedPort: b.source.port,
    userAgent: b.userAgent,
    path: b.path,
  };
}
