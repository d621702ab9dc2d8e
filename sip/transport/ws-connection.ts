import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { RawData } from 'ws';
import { connectionKey } from './connection-table.ts';
import type { Connection } from './connection-table.ts';
import { deliver, normalizeAddress, reportError } from './context.ts';
import type { TransportContext } from './context.ts';
import type { TransportCounters } from './counters.ts';
import { MAX_QUEUED_BYTES } from './stream-connection.ts';
import type { LocalEndpoint, Remote } from './types.ts';

const PONG = Buffer.from('\r\n', 'latin1');
const CR = 13;
const LF = 10;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A WebSocket connection (RFC 7118): each WebSocket message is one SIP message. */
export class WsConnection implements Connection {
  readonly id: number;
  readonly remote: Remote;
  readonly key: string;
  readonly local: LocalEndpoint;
  lastActivity: number;
  /** ws frames messages itself; nothing incomplete is ever visible here. */
  partialSince = 0;
  private closed = false;
  private readonly counters: TransportCounters;

  constructor(
    private readonly ctx: TransportContext,
    private readonly ws: WebSocket,
    readonly transport: 'ws' | 'wss',
    req: IncomingMessage,
  ) {
    const socket = req.socket;
    this.id = ctx.table.nextConnectionId();
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const port = socket.remotePort ?? 0;
    this.remote = { transport, address, port, connectionId: this.id };
    this.key = connectionKey(transport, address, port);
    this.local = {
      transport,
      address: socket.localAddress ? normalizeAddress(socket.localAddress) : ctx.host,
      port: ctx.listenPorts[transport] ?? socket.localPort ?? 0,
    };
    this.lastActivity = ctx.table.now;
    this.counters = ctx.counters.perTransport[transport];
    ws.on('message', (data: RawData) => this.onMessage(toBuffer(data)));
    // ws answers pings itself; they still prove the peer alive.
    ws.on('ping', () => (this.lastActivity = ctx.table.now));
    ws.on('pong', () => (this.lastActivity = ctx.table.now));
    ws.on('error', (err: Error & { code?: string }) => this.onError(err));
    ws.on('close', () => this.onClosed());
    ctx.table.add(this);
  }

  write(data: Buffer): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > MAX_QUEUED_BYTES) {
      this.close(`peer not reading: more than ${MAX_QUEUED_BYTES} bytes queued`);
      return false;
    }
    // RFC 7118 §5: text frames, except that a message that is not valid UTF-8 (a binary body) must go as binary.
    this.ws.send(data, { binary: !isUtf8(data) });
    this.counters.messagesOut++;
    this.counters.bytesOut += data.length;
    this.lastActivity = this.ctx.table.now;
    return true;
  }

  close(reason: string | null): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.table.remove(this);
    if (reason !== null) reportError(this.ctx, this.remote, reason);
    this.ws.terminate();
  }

  private onMessage(data: Buffer): void {
    this.lastActivity = this.ctx.table.now;
    this.counters.bytesIn += data.length;
    if (data.length === 0 || data[0] === CR || data[0] === LF) {
      if (this.isKeepalive(data)) return;
    }
    this.counters.messagesIn++;
    deliver(this.ctx, data, this.remote, this.local);
  }

  /** SIP.js and others send a CRLFCRLF ping over WebSocket too and expect a CRLF pong (RFC 5626 §4.4.1). */
  private isKeepalive(data: Buffer): boolean {
    for (let i = 0; i < data.length; i++) if (data[i] !== CR && data[i] !== LF) return false;
    if (data.length === 4 && data[0] === CR && data[1] === LF && data[2] === CR && data[3] === LF) {
      this.ctx.counters.keepalivePings++;
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(PONG, { binary: false });
    }
    return true;
  }

  private onError(err: Error & { code?: string }): void {
    // ws reports protocol violations (oversized message, bad frame) here and closes the connection itself.
    if (this.closed) return;
    this.ctx.counters.framingErrors++;
    this.close(`websocket: ${err.code ?? err.message}`);
  }

  private onClosed(): void {
    this.closed = true;
    this.ctx.table.remove(this);
  }
}
