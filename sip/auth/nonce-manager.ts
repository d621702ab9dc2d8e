import { hash, randomFillSync } from 'node:crypto';
import { ownString } from '../message/wire.ts';
import type { Clock } from '../../core/clock.ts';

export type NonceCheck = 'ok' | 'stale' | 'invalid' | 'replay';

export interface NonceManagerOptions {
  /** HMAC key; at least 16 bytes. Share it between nodes that must accept each other's nonces. */
  secret: Buffer;
  clock: Clock;
  lifetimeMs?: number;
  /** How many used nonces are remembered for replay protection. */
  maxTracked?: number;
}

// Layout: version(1) reserved(1) issuedAt ms(6, big-endian) random(12) | HMAC-SHA-256 truncated to 16 bytes.
// 36 bytes is a multiple of 3, so the base64url text has no padding and no unused bits: one text per nonce,
// which matters because the replay map is keyed by the text.
const VERSION = 1;
const PAYLOAD_BYTES = 20;
const MAC_BYTES = 16;
const NONCE_BYTES = PAYLOAD_BYTES + MAC_BYTES;
const NONCE_CHARS = (NONCE_BYTES / 3) * 4;
// Node's base64url decoder also accepts '+' and '/' and skips junk; only the canonical alphabet may pass.
const NONCE_FORMAT = new RegExp(`^[A-Za-z0-9_-]{${NONCE_CHARS}}$`);
const RANDOM_POOL_BYTES = 12 * 1024;
const SHA256_BLOCK = 64;
/** Nodes of a cluster may disagree a little about the time; a nonce from further ahead was not made by us. */
const MAX_FUTURE_SKEW_MS = 60_000;
/** Purges per new entry: keeps the map near the live set without ever scanning it. */
const PURGE_PER_INSERT = 2;
/** nc value recorded for a nonce used without qop: every later use is a replay. */
const USED_WITHOUT_QOP = Number.POSITIVE_INFINITY;

interface Tracked {
  issuedAt: number;
  highestNc: number;
}

/**
 * Stateless nonces (RFC 7616 §3.3 suggests time-stamp + private key): anything we issued can be
 * verified without remembering it; only nonces that were actually used are remembered, for replay
 * protection, in a bounded FIFO. When the FIFO is full the oldest live entry is dropped and every
 * nonce issued up to that one's time is answered 'stale' from then on: the client retries with a
 * fresh nonce, and a dropped nonce can never be replayed.
 */
export class NonceManager {
  private readonly clock: Clock;
  private readonly lifetimeMs: number;
  private readonly maxTracked: number;
  private readonly tracked = new Map<string, Tracked>();
  /** Insertion order of `tracked`, as a ring; a key whose entry is gone is skipped when it reaches the front. */
  private readonly order: (string | undefined)[];
  private orderHead = 0;
  private orderLength = 0;
  /** Nonces issued at or before this time and not tracked are no longer replay-safe. */
  private evictedUpTo = Number.NEGATIVE_INFINITY;
  private readonly scratch = Buffer.alloc(NONCE_BYTES);
  // HMAC (RFC 2104) by hand over crypto.hash: createHmac costs several times more per call for a
  // 20-byte message. The pads stay in place; only the message and the inner digest are written.
  private readonly innerBlock = Buffer.alloc(SHA256_BLOCK + PAYLOAD_BYTES);
  private readonly outerBlock = Buffer.alloc(SHA256_BLOCK + 32);
  private readonly randomPool = Buffer.alloc(RANDOM_POOL_BYTES);
  private randomOffset = RANDOM_POOL_BYTES;

  constructor(opts: NonceManagerOptions) {
    if (opts.secret.length < 16) throw new Error('nonce secret must be at least 16 bytes');
    const key = opts.secret.length > SHA256_BLOCK ? hash('sha256', opts.secret, 'buffer') : opts.secret;
    this.innerBlock.fill(0x36, 0, SHA256_BLOCK);
    this.outerBlock.fill(0x5c, 0, SHA256_BLOCK);
    for (let i = 0; i < key.length; i++) {
      this.innerBlock[i]! ^= key[i]!;
      this.outerBlock[i]! ^= key[i]!;
    }
    this.clock = opts.clock;
    this.lifetimeMs = opts.lifetimeMs ?? 300_000;
    this.maxTracked = Math.max(1, opts.maxTracked ?? 200_000);
    this.order = new Array<string | undefined>(this.maxTracked);
  }

  issue(): string {
    const buf = this.scratch;
    buf[0] = VERSION;
    buf[1] = 0;
    buf.writeUIntBE(Math.floor(this.clock.now()), 2, 6);
    if (this.randomOffset + 12 > RANDOM_POOL_BYTES) {
      randomFillSync(this.randomPool);
      this.randomOffset = 0;
    }
    this.randomPool.copy(buf, 8, this.randomOffset, this.randomOffset + 12);
    this.randomOffset += 12;
    buf.write(this.mac(buf), PAYLOAD_BYTES, MAC_BYTES, 'latin1');
    return buf.toString('base64url');
  }

  /**
   * `nc` is the parsed nonce-count when the client used qop, null otherwise. Call it once per
   * request whose digest response was correct; it records the use.
   */
  check(nonce: string, nc: number | null): NonceCheck {
    const now = this.clock.now();
    const seen = this.tracked.get(nonce);
    if (seen !== undefined) {
      // A tracked nonce passed the signature check when it was first used.
      if (now - seen.issuedAt > this.lifetimeMs) return 'stale';
      if (nc === null || nc <= seen.highestNc) return 'replay';
      seen.highestNc = nc;
      return 'ok';
    }
    if (!NONCE_FORMAT.test(nonce)) return 'invalid';
    const buf = this.scratch;
    if (buf.write(nonce, 0, NONCE_BYTES, 'base64url') !== NONCE_BYTES || buf[0] !== VERSION || buf[1] !== 0) return 'invalid';
    const mac = this.mac(buf);
    // Constant time: no early exit.
    let diff = 0;
    for (let i = 0; i < MAC_BYTES; i++) diff |= mac.charCodeAt(i) ^ buf[PAYLOAD_BYTES + i]!;
    if (diff !== 0) return 'invalid';
    const issuedAt = buf.readUIntBE(2, 6);
    if (issuedAt - now > MAX_FUTURE_SKEW_MS) return 'invalid';
    if (now - issuedAt > this.lifetimeMs || issuedAt <= this.evictedUpTo) return 'stale';
    this.track(nonce, issuedAt, nc === null ? USED_WITHOUT_QOP : nc, now);
    return 'ok';
  }

  /** Drops every remembered nonce that has expired; for the owner's periodic timer. */
  sweep(): void {
    const now = this.clock.now();
    for (const [nonce, entry] of this.tracked) {
      if (now - entry.issuedAt > this.lifetimeMs) this.tracked.delete(nonce);
    }
    // Rebuild the FIFO from the Map (same order) so the removed entries stop taking room in it.
    this.order.fill(undefined);
    this.orderHead = 0;
    this.orderLength = 0;
    for (const nonce of this.tracked.keys()) this.order[this.orderLength++] = nonce;
  }

  /** How many used nonces are remembered (for tests and metrics). */
  get trackedCount(): number {
    return this.tracked.size;
  }

  /** HMAC-SHA-256 of the payload at the start of `nonceBytes`, as a latin1 string of 32 chars. */
  private mac(nonceBytes: Buffer): string {
    nonceBytes.copy(this.innerBlock, SHA256_BLOCK, 0, PAYLOAD_BYTES);
    this.outerBlock.write(hash('sha256', this.innerBlock, 'binary'), SHA256_BLOCK, 32, 'latin1');
    return hash('sha256', this.outerBlock, 'binary');
  }

  private track(cut: string, issuedAt: number, highestNc: number, now: number): void {
    // The nonce was cut from the request's text: keep a copy, not the whole request.
    const nonce = ownString(cut);
    this.purgeFront(now, PURGE_PER_INSERT);
    if (this.orderLength === this.maxTracked) this.evictOldest(now);
    this.tracked.set(nonce, { issuedAt, highestNc });
    this.order[(this.orderHead + this.orderLength) % this.maxTracked] = nonce;
    this.orderLength++;
  }

  /** Removes up to `limit` expired (or already swept) entries from the front of the FIFO. */
  private purgeFront(now: number, limit: number): void {
    for (let purged = 0; purged < limit && this.orderLength > 0; purged++) {
      const key = this.order[this.orderHead]!;
      const entry = this.tracked.get(key);
      if (entry !== undefined && now - entry.issuedAt <= this.lifetimeMs) return;
      if (entry !== undefined) this.tracked.delete(key);
      this.popFront();
    }
  }

  private evictOldest(now: number): void {
    const key = this.order[this.orderHead]!;
    const entry = this.tracked.get(key);
    if (entry !== undefined) {
      this.tracked.delete(key);
      if (now - entry.issuedAt <= this.lifetimeMs && entry.issuedAt > this.evictedUpTo) this.evictedUpTo = entry.issuedAt;
    }
    this.popFront();
  }

  private popFront(): void {
    this.order[this.orderHead] = undefined;
    this.orderHead = (this.orderHead + 1) % this.maxTracked;
    this.orderLength--;
  }
}
