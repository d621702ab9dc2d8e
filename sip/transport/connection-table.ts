import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { normalizeAddress, reportError } from './context.ts';
import type { TransportContext } from './context.ts';
import type { LocalEndpoint, Remote, TransportName } from './types.ts';

/** One open stream (TCP, TLS or WebSocket) connection. */
export interface Connection {
  readonly id: number;
  readonly transport: TransportName;
  /** Shared by every message of the connection: treat as read-only. */
  readonly remote: Remote;
  local: LocalEndpoint;
  /** transport + address + port, for reuse by address. */
  readonly key: string;
  /** Coarse timestamp (ConnectionTable.now) of the last byte in or out. */
  lastActivity: number;
  /** Since when an incomplete message (or an unfinished outbound connect) has been held, else 0. */
  partialSince: number;
  /** Queues one message; false when the connection is gone or its peer stopped reading. */
  write(data: Buffer): boolean;
  /** Closes at once; a reason is reported through onTransportError. Idempotent. */
  close(reason: string | null): void;
}

export const connectionKey = (transport: TransportName, address: string, port: number): string => `${transport} ${address} ${port}`;

/**
 * Open connections by id and by address, the admission limits, and the sweeper that enforces
 * header and idle timeouts. One interval for all connections instead of a timer per connection
 * re-armed on every chunk: activity just stores `now`, a clock the sweeper advances.
 */
export class ConnectionTable {
  /** A coarse monotonic clock (ms), advanced by the sweeper. */
  now = performance.now();
  private ctx: TransportContext | null = null;
  private nextId = 1;
  private readonly byId = new Map<number, Connection>();
  private readonly byKey = new Map<string, Connection>();
  private readonly perAddress = new Map<string, number>();
  private admitted = 0;
  private readonly rawSockets = new Set<Socket>();
  private sweeper: NodeJS.Timeout | null = null;
  readonly openByTransport: Record<TransportName, number> = { udp: 0, tcp: 0, tls: 0, ws: 0, wss: 0 };

  attach(ctx: TransportContext): void {
    this.ctx = ctx;
  }

  private get context(): TransportContext {
    if (!this.ctx) throw new Error('ConnectionTable used before attach()');
    return this.ctx;
  }

  startSweeper(): void {
    const { headerTimeoutMs, idleTimeoutMs } = this.context.limits;
    // A quarter of the shortest timeout keeps enforcement within 25 % of the configured value.
    const tick = Math.max(10, Math.min(1000, Math.floor(Math.min(headerTimeoutMs, idleTimeoutMs) / 4)));
    // Not unref'd: a forgotten close() should show up as a process that does not exit, not pass unnoticed.
    this.sweeper = setInterval(() => this.sweep(), tick);
  }

  /**
   * Admits a raw TCP socket (plain, TLS before its handshake, or HTTP before the WebSocket upgrade)
   * against maxConnections and maxConnectionsPerAddress; refuses it by destroying it. The slot is
   * freed when the raw socket closes.
   */
  admit(socket: Socket, transport: TransportName, address = socket.remoteAddress, port = socket.remotePort ?? 0): boolean {
    const ctx = this.context;
    if (address === undefined || ctx.closing) {
      socket.destroy();
      return false;
    }
    const peer = normalizeAddress(address);
    const fromPeer = this.perAddress.get(peer) ?? 0;
    if (this.admitted >= ctx.limits.maxConnections || fromPeer >= ctx.limits.maxConnectionsPerAddress) {
      ctx.counters.connectionsRefused++;
      socket.destroy();
      const limit =
        this.admitted >= ctx.limits.maxConnections
          ? `maxConnections (${ctx.limits.maxConnections})`
          : `maxConnectionsPerAddress (${ctx.limits.maxConnectionsPerAddress})`;
      reportError(ctx, { transport, address: peer, port }, `connection refused: ${limit} reached`);
      return false;
    }
    this.admitted++;
    this.perAddress.set(peer, fromPeer + 1);
    this.rawSockets.add(socket);
    socket.once('close', () => {
      this.admitted--;
      const left = (this.perAddress.get(peer) ?? 1) - 1;
      if (left > 0) this.perAddress.set(peer, left);
      else this.perAddress.delete(peer);
      this.rawSockets.delete(socket);
    });
    return true;
  }

  nextConnectionId(): number {
    return this.nextId++;
  }

  add(conn: Connection): void {
    this.byId.set(conn.id, conn);
    this.byKey.set(conn.key, conn);
    this.openByTransport[conn.transport]++;
  }

  /** Forgets a connection; safe to call more than once. */
  remove(conn: Connection): void {
    if (this.byId.get(conn.id) !== conn) return;
    this.byId.delete(conn.id);
    if (this.byKey.get(conn.key) === conn) this.byKey.delete(conn.key);
    this.openByTransport[conn.transport]--;
    const ctx = this.context;
    if (!ctx.closing && ctx.events.onConnectionClosed) {
      try {
        ctx.events.onConnectionClosed(conn.id);
      } catch {
        ctx.counters.handlerErrors++;
      }
    }
  }

  /** The live connection for `remote`: by connectionId when given and open, else by transport+address+port. */
  find(remote: Remote): Connection | undefined {
    if (remote.connectionId !== undefined) {
      const conn = this.byId.get(remote.connectionId);
      if (conn && conn.transport === remote.transport) return conn;
    }
    return this.byKey.get(connectionKey(remote.transport, normalizeAddress(remote.address), remote.port));
  }

  get size(): number {
    return this.byId.size;
  }

  private sweep(): void {
    const now = (this.now = performance.now());
    const ctx = this.context;
    const { headerTimeoutMs, idleTimeoutMs } = ctx.limits;
    for (const conn of this.byId.values()) {
      if (conn.partialSince !== 0 && now - conn.partialSince >= headerTimeoutMs) {
        ctx.counters.timeouts++;
        conn.close(`no complete message or handshake within ${headerTimeoutMs} ms`);
      } else if (now - conn.lastActivity >= idleTimeoutMs) {
        ctx.counters.timeouts++;
        conn.close(null);
      }
    }
  }

  /** Stops the sweeper and destroys every connection and every admitted socket. */
  closeAll(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const conn of [...this.byId.values()]) conn.close(null);
    for (const socket of this.rawSockets) socket.destroy();
  }
}
