import type { Remote } from '../transport/index.ts';
import { ownString } from '../message/wire.ts';

/** One registered contact of a device (RFC 3261 §10.3 binding) and the flow it came over. */
export interface Binding {
  orgId: string;
  deviceId: string;
  aor: string;
  /** The Contact URI as registered; the key of the binding within the device. */
  contact: string;
  callId: string;
  cseq: number;
  q: number | null;
  instanceId: string | null;
  regId: number | null;
  expiresAt: number;
  /** Where the REGISTER came from: requests for this contact go back over this flow (NAT, TCP, WebSocket). */
  source: Remote;
  userAgent: string;
  path: string[];
}

export interface BindingSink {
  saved(b: Binding): void;
  removed(b: Binding): void;
}

/** Most contacts one device may hold; the oldest-expiring goes first (a phone re-registering with new ports must not pile up bindings). */
export const MAX_CONTACTS_PER_DEVICE = 10;

/**
 * The location service: bindings by device, in memory, with every change reported to a sink
 * (the app persists them so they survive a restart). Expired bindings are never returned and
 * are swept periodically.
 */
export class LocationService {
  private readonly byDevice = new Map<string, Binding[]>();
  private count = 0;
  /** User agents repeat across thousands of phones: keep one string per distinct value. */
  private readonly userAgents = new Map<string, string>();

  constructor(private readonly sink: BindingSink | null = null) {}

  size(): number {
    return this.count;
  }

  internUserAgent(ua: string): string {
    const known = this.userAgents.get(ua);
    if (known !== undefined) return known;
    const own = ownString(ua);
    if (this.userAgents.size < 10_000) this.userAgents.set(own, own);
    return own;
  }

  /** Current, unexpired bindings of a device. */
  lookup(deviceId: string, now: number): Binding[] {
    const list = this.byDevice.get(deviceId);
    if (!list) return [];
    let expired = false;
    for (const b of list) if (b.expiresAt <= now) expired = true;
    if (!expired) return list;
    return this.prune(deviceId, list, now);
  }

  find(deviceId: string, contact: string): Binding | undefined {
    return this.byDevice.get(deviceId)?.find((b) => b.contact === contact);
  }

  /** Adds or refreshes a binding (same device and contact URI). */
  upsert(b: Binding, now: number): void {
    let list = this.byDevice.get(b.deviceId);
    if (!list) {
      list = [];
      this.byDevice.set(b.deviceId, list);
    }
    const i = list.findIndex((x) => x.contact === b.contact);
    if (i >= 0) list[i] = b;
    else {
      list.push(b);
      this.count++;
      if (list.length > MAX_CONTACTS_PER_DEVICE) {
        list.sort((x, y) => x.expiresAt - y.expiresAt);
        const dropped = list.shift()!;
        this.count--;
        this.sink?.removed(dropped);
      }
    }
    this.sink?.saved(b);
    void now;
  }

  remove(deviceId: string, contact: string): void {
    const list = this.byDevice.get(deviceId);
    if (!list) return;
    const i = list.findIndex((x) => x.contact === contact);
    if (i < 0) return;
    const [b] = list.splice(i, 1);
    this.count--;
    if (list.length === 0) this.byDevice.delete(deviceId);
    this.sink?.removed(b!);
  }

  removeAll(deviceId: string): void {
    for (const b of [...(this.byDevice.get(deviceId) ?? [])]) this.remove(deviceId, b.contact);
  }

  /** Loads persisted bindings at start without reporting them back to the sink. */
  restore(b: Binding, now: number): void {
    if (b.expiresAt <= now) return;
    const list = this.byDevice.get(b.deviceId);
    if (list) list.push(b);
    else this.byDevice.set(b.deviceId, [b]);
    this.count++;
  }

  /** Drops every expired binding; returns how many went. */
  sweep(now: number): number {
    let n = 0;
    for (const [deviceId, list] of this.byDevice) {
      const before = list.length;
      this.prune(deviceId, list, now);
      n += before - (this.byDevice.get(deviceId)?.length ?? 0);
    }
    return n;
  }

  /** Removes the bindings of devices that no longer exist or lost their credentials. */
  retainDevices(orgId: string, exists: (deviceId: string) => boolean): void {
    for (const [deviceId, list] of this.byDevice) if (list[0]?.orgId === orgId && !exists(deviceId)) this.removeAll(deviceId);
  }

  all(): IterableIterator<[string, Binding[]]> {
    return this.byDevice.entries();
  }

  private prune(deviceId: string, list: Binding[], now: number): Binding[] {
    const keep: Binding[] = [];
    for (const b of list) {
      if (b.expiresAt > now) keep.push(b);
      else {
        this.count--;
        this.sink?.removed(b);
      }
    }
    if (keep.length === 0) this.byDevice.delete(deviceId);
    else this.byDevice.set(deviceId, keep);
    return keep;
  }
}
