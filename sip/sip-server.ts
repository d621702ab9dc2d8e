import { networkInterfaces } from 'node:os';
import { createSipTransport, type SipTransport, type SipTransportOptions } from './transport/index.ts';
import type { SipRequest } from './message/types.ts';
import { createResponse } from './message/serialize.ts';
import { NonceManager, type DigestAlgorithm } from './auth/digest.ts';
import { SipGuard } from './security/guard.ts';
import { realTimers, type Timers } from './timers.ts';
import { ALLOW, SipStack, SUPPORTED_EXTENSIONS, type RequestContext, type SipApplication } from './stack.ts';
import type { ServerTransaction } from './transaction/server-transactions.ts';
import type { SipDirectory, SipOrg } from './directory.ts';
import { Authenticator } from './registrar/authenticator.ts';
import { LocationService, type BindingSink } from './registrar/location.ts';
import { Registrar } from './registrar/registrar.ts';
import { B2bua } from './b2bua/b2bua.ts';
import type { CdrSink } from './b2bua/call-types.ts';
import { TrunkIndex } from './trunk/trunk-index.ts';
import { TrunkRegistrations } from './trunk/trunk-registration.ts';
import { newTag } from './ids.ts';

export interface SipServerOptions {
  transport: SipTransportOptions;
  directory: SipDirectory;
  /** HMAC key for nonces; random per process unless given (nonces then do not survive a restart, which costs one extra challenge). */
  nonceSecret: Buffer;
  bindings: BindingSink | null;
  cdr: CdrSink;
  algorithms?: DigestAlgorithm[];
  noAnswerMs?: number;
  minExpires?: number;
  maxExpires?: number;
  guard?: Partial<ConstructorParameters<typeof SipGuard>[0]> | false;
  convertNumber?: (org: SipOrg, userId: string | null, dialled: string) => string;
  timers?: Timers;
  /** Replaces the real transports (benchmarks of the stack without syscalls, tests). */
  createTransport?: typeof createSipTransport;
  /** Security events, one JSON line each. */
  securityLog?: (line: string) => void;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

/** The SIP service: transports, stack, registrar, B2BUA and trunk registrations, wired together. */
export class SipServer implements SipApplication {
  readonly transport: SipTransport;
  readonly stack: SipStack;
  readonly location: LocationService;
  readonly registrar: Registrar;
  readonly b2bua: B2bua;
  readonly guard: SipGuard | null;
  readonly trunkRegistrations: TrunkRegistrations;
  private readonly trunks = new TrunkIndex();
  private readonly nonces: NonceManager;
  private readonly timers: Timers;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: SipServerOptions) {
    this.timers = opts.timers ?? realTimers();
    const log = opts.log ?? (() => {});
    this.transport = (opts.createTransport ?? createSipTransport)(opts.transport, {
      onMessage: (data, remote, local) => this.stack.receive(data, remote, local),
      onTransportError: (remote, reason) => log('sip_transport_error', { source: `${remote.transport}:${remote.address}:${remote.port}`, reason }),
    });
    this.guard =
      opts.guard === false
        ? null
        : new SipGuard({
            clock: { now: () => this.timers.now() },
            log: opts.securityLog ?? ((line) => process.stderr.write(line + '\n')),
            ...(opts.guard ?? {}),
          });
    this.stack = new SipStack({ transport: this.transport, timers: this.timers, guard: this.guard, log });
    this.stack.setApplication(this);
    this.location = new LocationService(opts.bindings);
    this.nonces = new NonceManager({ secret: opts.nonceSecret, clock: { now: () => this.timers.now() } });
    const auth = new Authenticator({
      nonces: this.nonces,
      guard: this.guard,
      algorithms: opts.algorithms ?? ['MD5', 'SHA-256'],
      localHostPorts: () => this.localHostPorts(),
    });
    this.registrar = new Registrar({
      directory: opts.directory,
      location: this.location,
      auth,
      now: () => this.timers.now(),
      ...(opts.minExpires !== undefined ? { minExpires: opts.minExpires } : {}),
      ...(opts.maxExpires !== undefined ? { maxExpires: opts.maxExpires } : {}),
    });
    this.b2bua = new B2bua({
      stack: this.stack,
      directory: opts.directory,
      location: this.location,
      auth,
      timers: this.timers,
      cdr: opts.cdr,
      ...(opts.noAnswerMs !== undefined ? { noAnswerMs: opts.noAnswerMs } : {}),
      trunkOrgsFor: (address) => this.trunks.lookup(address),
      ...(opts.convertNumber ? { convertNumber: opts.convertNumber } : {}),
      log,
    });
    this.trunkRegistrations = new TrunkRegistrations(this.stack, this.timers, log);
  }

  private hostPorts: string[] | null = null;

  /** Every host:port we answer on; a wildcard bind stands for each interface address. */
  localHostPorts(): string[] {
    if (this.hostPorts) return this.hostPorts;
    const out = new Set<string>();
    for (const e of this.transport.endpoints()) {
      const wildcard = e.address === '0.0.0.0' || e.address === '::';
      const addrs = wildcard
        ? Object.values(networkInterfaces())
            .flat()
            .filter((i) => i && (e.address === '::' || i.family === 'IPv4'))
            .map((i) => i!.address)
        : [e.address];
      for (const a of addrs) out.add(`${a.includes(':') ? `[${a}]` : a}:${e.port}`);
    }
    this.hostPorts = [...out];
    return this.hostPorts;
  }

  async start(): Promise<void> {
    await this.transport.start();
    this.directoryChanged();
    this.sweepTimer = setInterval(() => {
      const now = this.timers.now();
      this.location.sweep(now);
      this.guard?.sweep();
      this.nonces.sweep();
    }, 5_000);
    this.sweepTimer.unref();
  }

  /** Call after the directory changed: trunk addresses and registrations follow the configuration. */
  directoryChanged(): void {
    const orgs = [...this.opts.directory.all()];
    this.trunks.rebuild(orgs);
    this.trunkRegistrations.sync(orgs.flatMap((o) => o.trunks));
    for (const org of orgs) this.location.retainDevices(org.id, (id) => org.accountsByDevice.has(id));
  }

  onRequest(req: SipRequest, tx: ServerTransaction, ctx: RequestContext): void {
    switch (req.method) {
      case 'REGISTER':
        return this.registrar.handle(req, tx, ctx);
      case 'OPTIONS':
        if (!/;\s*tag=/i.test(req.headers.find((h) => h.key === 'to')?.value ?? '')) {
          tx.respond(
            createResponse(req, 200, 'OK', {
              toTag: newTag(),
              headers: [
                ['Allow', ALLOW],
                ['Accept', 'application/sdp'],
                ['Supported', [...SUPPORTED_EXTENSIONS].join(', ')],
              ],
            }),
          );
          return;
        }
        return this.b2bua.onRequest(req, tx, ctx);
      case 'SUBSCRIBE':
        tx.respond(createResponse(req, 489, 'Bad Event', { toTag: newTag() }));
        return;
      default:
        return this.b2bua.onRequest(req, tx, ctx);
    }
  }

  onAck(req: SipRequest): void {
    this.b2bua.onAck(req);
  }

  onStrayResponse(res: Parameters<NonNullable<SipApplication['onStrayResponse']>>[0]): void {
    this.b2bua.onStrayResponse(res);
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.trunkRegistrations.stop();
    this.b2bua.shutdown();
    await this.stack.close();
    await this.transport.close();
  }
}
