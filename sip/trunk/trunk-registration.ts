import type { SipRequest } from '../message/types.ts';
import { newCallId, newTag } from '../ids.ts';
import type { SipStack } from '../stack.ts';
import type { Timers, TimerHandle } from '../timers.ts';
import type { SipTrunk } from '../directory.ts';
import { digestAuthorization } from '../b2bua/client-digest.ts';
import { field, first } from '../b2bua/dialog-requests.ts';

export interface TrunkRegistrationState {
  trunkId: string;
  state: 'registering' | 'registered' | 'failed';
  lastStatus: number | null;
  expiresAt: number | null;
}

const EXPIRES = 600;

/**
 * Keeps a registration at each carrier that wants one (trunk.register): REGISTER with our
 * credentials, refreshed at half the granted interval, retried after a minute on failure.
 */
export class TrunkRegistrations {
  private readonly entries = new Map<
    string,
    { trunk: SipTrunk; callId: string; tag: string; cseq: number; timer: TimerHandle | null; state: TrunkRegistrationState }
  >();

  constructor(
    private readonly stack: SipStack,
    private readonly timers: Timers,
    private readonly log: (event: string, fields: Record<string, unknown>) => void = () => {},
  ) {}

  /** Starts, updates or stops registrations so they match `trunks`. */
  sync(trunks: SipTrunk[]): void {
    const wanted = new Map(trunks.filter((t) => t.enabled && t.register && t.authUsername).map((t) => [t.id, t]));
    for (const [id, e] of this.entries) {
      if (!wanted.has(id)) {
        this.timers.cancel(e.timer);
        this.entries.delete(id);
      }
    }
    for (const [id, trunk] of wanted) {
      const e = this.entries.get(id);
      if (e && sameTarget(e.trunk, trunk)) {
        e.trunk = trunk;
        continue;
      }
      if (e) this.timers.cancel(e.timer);
      const entry = {
        trunk,
        callId: newCallId(),
        tag: newTag(),
        cseq: 0,
        timer: null,
        state: { trunkId: id, state: 'registering' as const, lastStatus: null, expiresAt: null },
      };
      this.entries.set(id, entry);
      this.register(id, null);
    }
  }

  states(): TrunkRegistrationState[] {
    return [...this.entries.values()].map((e) => e.state);
  }

  stop(): void {
    for (const e of this.entries.values()) this.timers.cancel(e.timer);
    this.entries.clear();
  }

  private register(id: string, authorization: { header: string; value: string } | null): void {
    const e = this.entries.get(id);
    if (!e) return;
    const t = e.trunk;
    const host = t.outboundHost.includes(':') ? `[${t.outboundHost}]` : t.outboundHost;
    const domain = t.fromDomain ?? host;
    const aor = `sip:${t.authUsername}@${domain}`;
    const uri = `sip:${domain}`;
    const flow = { transport: t.transport, address: t.outboundHost, port: t.outboundPort } as const;
    const headers = [
      field('Max-Forwards', '70'),
      field('From', `<${aor}>;tag=${e.tag}`),
      field('To', `<${aor}>`),
      { name: 'Call-ID', key: 'call-id', value: e.callId },
      { name: 'CSeq', key: 'cseq', value: `${++e.cseq} REGISTER` },
      field('Contact', `<sip:${t.authUsername}@${this.stack.contactHostPort(t.transport)}${t.transport === 'udp' ? '' : ';transport=' + t.transport}>`),
      field('Expires', String(EXPIRES)),
      field('User-Agent', 'Vaxel'),
    ];
    if (authorization) headers.push(field(authorization.header, authorization.value));
    const req: SipRequest = { kind: 'request', method: 'REGISTER', uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    this.stack.request(req, flow, {
      onFinal: (res) => {
        const cur = this.entries.get(id);
        if (cur !== e) return;
        e.state.lastStatus = res.status;
        if ((res.status === 401 || res.status === 407) && !authorization && t.authPassword !== null) {
          const challenge = first(res, res.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
          const value = challenge ? digestAuthorization(challenge, { username: t.authUsername!, password: t.authPassword, method: 'REGISTER', uri }) : null;
          if (value) return this.register(id, { header: res.status === 401 ? 'Authorization' : 'Proxy-Authorization', value });
        }
        if (res.status >= 200 && res.status < 300) {
          const granted = Number.parseInt(/expires=(\d+)/i.exec(first(res, 'contact') ?? '')?.[1] ?? first(res, 'expires') ?? String(EXPIRES), 10) || EXPIRES;
          e.state.state = 'registered';
          e.state.expiresAt = this.timers.now() + granted * 1000;
          e.timer = this.timers.after(Math.max(30, granted / 2) * 1000, () => this.register(id, null));
          return;
        }
        this.fail(e, id, `status ${res.status}`);
      },
      onTimeout: (why) => this.fail(e, id, why),
    });
  }

  private fail(e: { state: TrunkRegistrationState; timer: TimerHandle | null }, id: string, reason: string): void {
    e.state.state = 'failed';
    this.log('sip_trunk_registration_failed', { trunk: id, reason });
    e.timer = this.timers.after(60_000, () => this.register(id, null));
  }
}

function sameTarget(a: SipTrunk, b: SipTrunk): boolean {
  return (
    a.outboundHost === b.outboundHost &&
    a.outboundPort === b.outboundPort &&
    a.transport === b.transport &&
    a.authUsername === b.authUsername &&
    a.authPassword === b.authPassword &&
    a.fromDomain === b.fromDomain
  );
}
