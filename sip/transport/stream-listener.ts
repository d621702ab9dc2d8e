import net from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import tls from 'node:tls';
import type { TransportContext } from './context.ts';
import type { TlsMaterial } from './self-signed-cert.ts';
import { StreamConnection } from './stream-connection.ts';
import type { LocalEndpoint } from './types.ts';

export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/** A TCP or TLS listener: admission on the raw socket, then one StreamConnection per accepted peer. */
export class StreamListener {
  private readonly server: Server;

  constructor(
    private readonly ctx: TransportContext,
    readonly transport: 'tcp' | 'tls',
    material: TlsMaterial | null,
  ) {
    if (transport === 'tcp') {
      this.server = net.createServer((socket) => {
        if (ctx.table.admit(socket, 'tcp')) new StreamConnection(ctx, socket, 'tcp', socket.remoteAddress ?? '', socket.remotePort ?? 0, false);
      });
    } else {
      if (!material) throw new Error('TLS listener without certificate');
      // The handshake is bounded like an incomplete message: a peer that opens and stalls is cut off.
      const server = tls.createServer({ cert: material.cert, key: material.key, handshakeTimeout: ctx.limits.headerTimeoutMs });
      // 'connection' precedes the handshake, so limits hold before any TLS work is spent.
      server.on('connection', (raw: net.Socket) => ctx.table.admit(raw, 'tls'));
      server.on('secureConnection', (socket: tls.TLSSocket) => {
        if (ctx.closing) socket.destroy();
        else new StreamConnection(ctx, socket, 'tls', socket.remoteAddress ?? '', socket.remotePort ?? 0, false);
      });
      server.on('tlsClientError', (_err, socket) => socket.destroy());
      this.server = server;
    }
    this.server.on('error', () => {
      // After listen() succeeded, errors are per-connection (e.g. EMFILE on accept); the server keeps listening.
    });
  }

  async listen(host: string, port: number): Promise<LocalEndpoint> {
    const info = await listen(this.server, host, port);
    return { transport: this.transport, address: info.address, port: info.port };
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** Opens an outbound TCP or TLS connection; writes before it is up are queued by the socket. Null when refused by the limits. */
export function dial(ctx: TransportContext, transport: 'tcp' | 'tls', address: string, port: number): StreamConnection | null {
  // Leave from the configured address on a multi-homed host, so the peer sees the one we listen on.
  const localAddress = !WILDCARDS.has(ctx.host) && net.isIP(ctx.host) === net.isIP(address) ? ctx.host : undefined;
  const socket =
    transport === 'tcp'
      ? net.connect({ host: address, port, localAddress, noDelay: true })
      : tls.connect({
          host: address,
          port,
          // Handed on to the TCP socket at run time; @types/node just leaves it out of ConnectionOptions.
          ...({ localAddress } as object),
          servername: net.isIP(address) ? undefined : address,
          rejectUnauthorized: ctx.tlsVerifyPeer,
        });
  if (!ctx.table.admit(socket, transport, address, port)) return null;
  const conn = new StreamConnection(ctx, socket, transport, address, port, true);
  socket.once(transport === 'tls' ? 'secureConnect' : 'connect', () => conn.onEstablished());
  return conn;
}
