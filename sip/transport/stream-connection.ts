import type { Socket } from 'node:net';
import { connectionKey } from './connection-table.ts';
import type { Connection } from './connection-table.ts';
import { deliver, normalizeAddress, reportError } from './context.ts';
import type { TransportContext } from './context.ts';
import type { TransportCounters } from './counters.ts';
import { StreamFramer } from './stream-framer.ts';
import type { FrameSink } from './stream-framer.ts';
import type { LocalEndpoint, Remote } from './types.ts';

const PONG = Buffer.from('\r\n', 'latin1');
/** A peer that lets this much pile up unread is not reading: drop it rather than buffer without bound. */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** A TCP or TLS connection: bytes in through the framer, whole messages out. */
export class StreamConnection implements Connection, FrameSink {
  readonly id: number;
  readonly remote: Remote;
  readonly key: string;
  local: LocalEndpoint;
  lastActivity: number;
  partialSince = 0;
  private closed = false;
  /** Outbound connections are unusable for reading until connected (and, for TLS, verified). */
  private established: boolean;
  private readonly framer: StreamFramer;
  private readonly counters: TransportCounters;

  constructor(
    private readonly ctx: TransportContext,
    private readonly socket: Socket,
    readonly transport: 'tcp' | 'tls',
    address: string,
    port: number,
    outbound: boolean,
  ) {
    this.id = ctx.table.nextConnectionId();
    const peer = normalizeAddress(address);
    this.remote = { transport, address: peer, port, connectionId: this.id };
    this.key = connectionKey(transport, peer, port);
    this.local = this.localEndpoint();
    this.lastActivity = ctx.table.now;
    this.established = !outbound;
    if (outbound) this.partialSince = ctx.table.now; // the connect must finish within headerTimeoutMs
    this.framer = new StreamFramer(ctx.limits.maxMessageSize, this);
    this.counters = ctx.counters.perTransport[transport];
    socket.setNoDelay(true); // one SIP message is one write; Nagle would only add latency
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.onSocketError(err));
    socket.on('close', () => this.onClosed());
    ctx.table.add(this);
  }

  /** The address the peer reached us on, and the port where our listener for this transport takes new connections. */
  private localEndpoint(): LocalEndpoint {
    const address = this.socket.localAddress ? normalizeAddress(this.socket.localAddress) : this.ctx.host;
    const port = this.ctx.listenPorts[this.transport] ?? this.socket.localPort ?? 0;
    return { transport: this.transport, address, port };
  }

  /** Called by the outbound dialer once TCP is connected (TLS: once the handshake is done). */
  onEstablished(): void {
    this.established = true;
    this.local = this.localEndpoint();
    if (!this.framer.pending) this.partialSince = 0;
  }

  write(data: Buffer): boolean {
    if (this.closed) return false;
    if (this.socket.writableLength > MAX_QUEUED_BYTES) {
      this.close(`peer not reading: more than ${MAX_QUEUED_BYTES} bytes queued`);
      return false;
    }
    // Before an outbound connect completes the socket queues the write; that is the point of returning true.
    this.socket.write(data);
    this.counters.messagesOut++;
    this.counters.bytesOut += data.length;
    this.lastActivity = this.ctx.table.now;
    return true;
  }

  close(reason: string | null): void {
    if (this.closed) return;
    this.closed = true;
    this.framer.stop();
    this.ctx.table.remove(this);
    if (reason !== null) reportError(this.ctx, this.remote, reason);
    this.socket.destroy();
  }

  onFrame(message: Buffer): void {
    this.partialSince = 0;
    this.counters.messagesIn++;
    deliver(this.ctx, message, this.remote, this.local);
  }

  onPing(): void {
    this.ctx.counters.keepalivePings++;
    if (!this.closed) this.socket.write(PONG);
  }

  private onData(chunk: Buffer): void {
    const now = this.ctx.table.now;
    this.lastActivity = now;
    this.counters.bytesIn += chunk.length;
    if (!this.framer.push(chunk)) {
      if (this.closed) return;
      this.ctx.counters.framingErrors++;
      this.close(this.framer.error);
      return;
    }
    if (!this.framer.pending) this.partialSince = 0;
    else if (this.partialSince === 0) this.partialSince = now;
  }

  private onSocketError(err: NodeJS.ErrnoException): void {
    // Resets and the like on an established connection are routine; a failed connect or a TLS
    // verification failure is something the sender wants to hear about.
    if (!this.established && !this.closed)
      this.close(`${this.transport} connect to ${this.remote.address}:${this.remote.port} failed: ${err.code ?? err.message}`);
  }

  private onClosed(): void {
    this.closed = true;
    this.framer.stop();
    this.ctx.table.remove(this);
  }
}
