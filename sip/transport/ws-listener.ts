import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { TransportContext } from './context.ts';
import { normalizeAddress, reportError } from './context.ts';
import type { TlsMaterial } from './self-signed-cert.ts';
import { closeServer, listen } from './stream-listener.ts';
import type { LocalEndpoint } from './types.ts';
import { WsConnection } from './ws-connection.ts';

const NO_SIP_SUBPROTOCOL =
  'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\nWebSocket subprotocol "sip" is required\n';

/** RFC 7118 §4.1: the client must offer the 'sip' subprotocol (tokens are case-sensitive). */
function offersSip(header: string | undefined): boolean {
  if (!header) return false;
  for (const token of header.split(',')) if (token.trim() === 'sip') return true;
  return false;
}

function notWebSocket(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(426, { Upgrade: 'websocket', Connection: 'close', 'Content-Type': 'text/plain' });
  res.end('This port speaks SIP over WebSocket (RFC 7118) only\n');
}

/** ws:// or wss:// listener; the upgrade is handled here so a handshake without 'sip' gets a real 400. */
export class WsListener {
  private readonly server: http.Server | https.Server;
  private readonly wss: WebSocketServer;

  constructor(
    private readonly ctx: TransportContext,
    readonly transport: 'ws' | 'wss',
    material: TlsMaterial | null,
  ) {
    const timeouts = { headersTimeout: ctx.limits.headerTimeoutMs, requestTimeout: ctx.limits.headerTimeoutMs };
    if (transport === 'ws') {
      this.server = http.createServer(timeouts, notWebSocket);
    } else {
      if (!material) throw new Error('WSS listener without certificate');
      this.server = https.createServer({ ...timeouts, cert: material.cert, key: material.key, handshakeTimeout: ctx.limits.headerTimeoutMs }, notWebSocket);
      this.server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
    }
    // For https this is the raw TCP socket, before any TLS work.
    this.server.on('connection', (socket: Socket) => ctx.table.admit(socket, transport));
    this.server.on('clientError', (_err: Error, socket: Socket) => socket.destroy());
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on('error', () => {
      // Per-connection accept errors after listen(); the server keeps listening.
    });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: ctx.limits.maxMessageSize,
      perMessageDeflate: false,
      clientTracking: false,
      // SIP is bytes; a non-UTF-8 text frame is a client bug we can live with, and skipping the check saves a pass per message.
      skipUTF8Validation: true,
      handleProtocols: () => 'sip',
    });
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.ctx.closing) {
      socket.destroy();
      return;
    }
    if (!offersSip(req.headers['sec-websocket-protocol'])) {
      this.ctx.counters.connectionsRefused++;
      reportError(
        this.ctx,
        { transport: this.transport, address: normalizeAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 },
        'websocket handshake without the sip subprotocol',
      );
      socket.end(NO_SIP_SUBPROTOCOL, () => socket.destroy());
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.ctx.closing) ws.terminate();
      else new WsConnection(this.ctx, ws, this.transport, req);
    });
  }

  async listen(host: string, port: number): Promise<LocalEndpoint> {
    const info = await listen(this.server, host, port);
    return { transport: this.transport, address: info.address, port: info.port };
  }

  async close(): Promise<void> {
    this.wss.close();
    await closeServer(this.server);
  }
}
