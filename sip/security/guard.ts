import type { Clock } from '../../core/clock.ts';
import { BoundedMap } from './bounded-map.ts';
import { HitWindow } from './hit-window.ts';
import { securityEventLine } from './security-events.ts';
import type { SecurityEvent } from './security-events.ts';

export type AdmitResult = 'ok' | 'banned' | 'scanner' | 'flood';

export const DEFAULT_SCANNER_USER_AGENTS: readonly string[] = Object.freeze([
  'friendly-scanner',
  'sipvicious',
  'sipcli',
  'sip-scan',
  'iWar',
  'sundayddr',
  'VaxSIPUserAgent',
]);

export interface SipGuardOptions {
  clock: Clock;
  /** Receives one JSON line per security event. */
  log: (line: string) => void;
  /** More than this many counted requests within floodWindowMs from one address is a flood. */
  floodMaxRequests?: number;
  floodWindowMs?: number;
  /** This many failed authentications within authFailWindowMs from one address start a ban. */
  authFailMax?: number;
  authFailWindowMs?: number;
  banMs?: number;
  /** Never flood-counted, scanner-checked or banned (trunk peers, loopback test tools). */
  trustedAddresses?: readonly string[];
  /** Matched case-insensitively as substrings of User-Agent. */
  scannerUserAgents?: readonly string[];
  /** Requests from an address that authenticated within authenticatedGraceMs are not flood-counted. */
  exemptAuthenticated?: boolean;
  authenticatedGraceMs?: number;
  /** Cap per table (counters, bans, authenticated addresses, scanners); the oldest entry goes first. */
  maxTrackedAddresses?: number;
}

interface Ban {
  until: number;
  reason: string;
  /** Packets refused while banned, reported when the ban ends instead of one line each. */
  dropped: number;
}

interface Counters {
  flood: HitWindow | null;
  failures: HitWindow | null;
  lastSeen: number;
}

/**
 * The first thing every incoming SIP message meets: bans, scanner drops and flood limits per source
 * address, and bans after repeated authentication failures. Every call is a few Map lookups.
 */
export class SipGuard {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly floodMaxRequests: number;
  private readonly floodWindowMs: number;
  private readonly authFailMax: number;
  private readonly authFailWindowMs: number;
  private readonly banMs: number;
  private readonly exemptAuthenticated: boolean;
  private readonly authenticatedGraceMs: number;
  private readonly maxTracked: number;
  private readonly trusted: Set<string>;
  private readonly scannerPattern: RegExp | null;
  private readonly banned: BoundedMap<Ban>;
  private readonly counters: BoundedMap<Counters>;
  private readonly authenticated: BoundedMap<{ at: number }>;
  /** Until when an address's scanner drops are not logged again. */
  private readonly scanners: BoundedMap<{ quietUntil: number }>;

  constructor(opts: SipGuardOptions) {
    this.clock = opts.clock;
    this.log = opts.log;
    this.floodMaxRequests = opts.floodMaxRequests ?? 16;
    this.floodWindowMs = opts.floodWindowMs ?? 2_000;
    this.authFailMax = opts.authFailMax ?? 5;
    this.authFailWindowMs = opts.authFailWindowMs ?? 60_000;
    this.banMs = opts.banMs ?? 300_000;
    this.exemptAuthenticated = opts.exemptAuthenticated ?? true;
    this.authenticatedGraceMs = opts.authenticatedGraceMs ?? 600_000;
    this.maxTracked = Math.max(1, opts.maxTrackedAddresses ?? 100_000);
    this.banned = new BoundedMap(this.maxTracked, (address, ban) => this.logLift(address, ban, 'evicted', this.clock.now()));
    this.counters = new BoundedMap(this.maxTracked);
    this.authenticated = new BoundedMap(this.maxTracked);
    this.scanners = new BoundedMap(this.maxTracked);
    // The windows keep one timestamp per allowed hit: a mistyped huge limit must not allocate gigabytes.
    if (!Number.isInteger(this.floodMaxRequests) || this.floodMaxRequests < 1 || this.floodMaxRequests > 10_000) {
      throw new Error('floodMaxRequests must be an integer from 1 to 10000');
    }
    if (!Number.isInteger(this.authFailMax) || this.authFailMax < 1 || this.authFailMax > 1_000)
      throw new Error('authFailMax must be an integer from 1 to 1000');
    this.trusted = new Set(opts.trustedAddresses ?? []);
    const agents = opts.scannerUserAgents ?? DEFAULT_SCANNER_USER_AGENTS;
    // One case-insensitive regex instead of lower-casing every User-Agent: no allocation per message.
    this.scannerPattern = agents.length === 0 ? null : new RegExp(agents.map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  }

  /** Decides whether a message from `address` (IP, no port) is processed. Call before parsing further. */
  admit(address: string, userAgent: string | undefined): AdmitResult {
    if (this.isTrusted(address)) return 'ok';
    const now = this.clock.now();
    const ban = this.banned.get(address);
    if (ban !== undefined) {
      if (now < ban.until) {
        ban.dropped++;
        return 'banned';
      }
      this.lift(address, ban, 'expired', now);
    }
    if (userAgent !== undefined && this.scannerPattern !== null && this.scannerPattern.test(userAgent)) {
      this.noteScanner(address, userAgent, now);
      return 'scanner';
    }
    if (this.exemptAuthenticated) {
      const auth = this.authenticated.get(address);
      if (auth !== undefined && now - auth.at <= this.authenticatedGraceMs) return 'ok';
    }
    const counters = this.countersFor(address, now);
    counters.flood ??= new HitWindow(this.floodMaxRequests);
    if (!counters.flood.hit(now, this.floodWindowMs)) return 'ok';
    this.startBan(address, 'sip_flood_ban', `more than ${this.floodMaxRequests} requests in ${this.floodWindowMs} ms`, now, null);
    return 'flood';
  }

  /** `account` and `reason` are for people (UTF-8 strings); `orgId` is null when the account is unknown. */
  authFailed(address: string, account: string, orgId: string | null, reason: string): void {
    const now = this.clock.now();
    this.log(securityEventLine(now, 'sip_auth_failed', address, { account, org: orgId, reason }));
    if (this.isTrusted(address) || this.isBanned(address)) return;
    const counters = this.countersFor(address, now);
    counters.failures ??= new HitWindow(this.authFailMax - 1);
    if (!counters.failures.hit(now, this.authFailWindowMs)) return;
    this.startBan(address, 'sip_auth_ban', `${this.authFailMax} failed authentications in ${this.authFailWindowMs} ms`, now, { account, org: orgId });
  }

  authSucceeded(address: string): void {
    if (this.isTrusted(address)) return;
    const now = this.clock.now();
    const previous = this.authenticated.get(address);
    if (previous !== undefined && now - previous.at <= this.authenticatedGraceMs / 2) {
      previous.at = now;
    } else {
      // A new object moves the address to the young end, so eviction at capacity drops the least
      // recently authenticated; doing it only now and then keeps the common call allocation-free.
      this.authenticated.set(address, { at: now });
    }
  }

  isBanned(address: string): boolean {
    const ban = this.banned.get(address);
    return ban !== undefined && this.clock.now() < ban.until;
  }

  bans(): Array<{ address: string; until: number; reason: string }> {
    const now = this.clock.now();
    const list: Array<{ address: string; until: number; reason: string }> = [];
    for (const [address, ban] of this.banned.entries()) if (now < ban.until) list.push({ address, until: ban.until, reason: ban.reason });
    return list;
  }

  unban(address: string): void {
    const ban = this.banned.get(address);
    if (ban !== undefined) this.lift(address, ban, 'unbanned', this.clock.now());
    this.counters.delete(address);
  }

  /** Drops expired state and ends expired bans; call every few seconds. */
  sweep(): void {
    const now = this.clock.now();
    this.banned.deleteWhere((ban, address) => {
      if (now < ban.until) return false;
      this.logLift(address, ban, 'expired', now);
      return true;
    });
    const counterTtl = Math.max(this.floodWindowMs, this.authFailWindowMs);
    this.counters.deleteWhere((c) => now - c.lastSeen > counterTtl);
    this.authenticated.deleteWhere((a) => now - a.at > this.authenticatedGraceMs);
    this.scanners.deleteWhere((s) => now >= s.quietUntil);
  }

  /** Table sizes, for metrics and tests. */
  stats(): { counters: number; bans: number; authenticated: number; scanners: number } {
    return { counters: this.counters.size, bans: this.banned.size, authenticated: this.authenticated.size, scanners: this.scanners.size };
  }

  private isTrusted(address: string): boolean {
    if (this.trusted.size === 0) return false;
    // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d.
    return this.trusted.has(address) || (address.startsWith('::ffff:') && this.trusted.has(address.slice(7)));
  }

  private countersFor(address: string, now: number): Counters {
    let c = this.counters.get(address);
    if (c === undefined) {
      c = { flood: null, failures: null, lastSeen: now };
      this.counters.set(address, c);
    } else {
      c.lastSeen = now;
    }
    return c;
  }

  private noteScanner(address: string, userAgent: string, now: number): void {
    const seen = this.scanners.get(address);
    if (seen !== undefined && now < seen.quietUntil) return;
    this.scanners.set(address, { quietUntil: now + this.banMs });
    this.log(securityEventLine(now, 'sip_scanner_dropped', address, { user_agent: userAgent }));
  }

  private startBan(address: string, event: SecurityEvent, reason: string, now: number, extra: Record<string, string | null> | null): void {
    const until = now + this.banMs;
    this.banned.set(address, { until, reason, dropped: 0 });
    // A lifted ban starts from a clean slate.
    this.counters.delete(address);
    this.log(securityEventLine(now, event, address, { ...extra, reason, until: new Date(until).toISOString() }));
  }

  private lift(address: string, ban: Ban, why: 'expired' | 'unbanned', now: number): void {
    this.banned.delete(address);
    this.logLift(address, ban, why, now);
  }

  private logLift(address: string, ban: Ban, why: 'expired' | 'unbanned' | 'evicted', now: number): void {
    this.log(securityEventLine(now, 'sip_ban_lifted', address, { reason: why, ban_reason: ban.reason, dropped: ban.dropped }));
  }
}
