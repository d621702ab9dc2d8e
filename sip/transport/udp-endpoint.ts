import dgram from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { lookup, type LookupOptions } from 'node:dns';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { deliver, normalizeAddress } from './context.ts';
import type { TransportContext } from './context.ts';
import type { TransportCounters } from './counters.ts';
import type { LocalEndpoint, Remote } from './types.ts';

const CR = 13;
const LF = 10;

/** The SIP UDP socket. Kept lean: per datagram one Remote object, no closures, no copies. */
export class UdpEndpoint {
  private readonly socket: Socket;
  private readonly ipv6: boolean;
  private readonly counters: TransportCounters;
  local: LocalEndpoint;

  constructor(
    private readonly ctx: TransportContext,
    host: string,
    recvBufferSize: number,
    sendBufferSize: number,
  ) {
    this.ipv6 = isIPv6(host);
    this.counters = ctx.counters.perTransport.udp;
    this.local = { transport: 'udp', address: host, port: 0 };
    this.socket = dgram.createSocket({ type: this.ipv6 ? 'udp6' : 'udp4', recvBufferSize, sendBufferSize, lookup: literalFirstLookup });
    this.socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onDatagram(msg, rinfo));
  }

  bind(host: string, port: number): Promise<LocalEndpoint> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.socket.once('error', onError);
      this.socket.bind({ address: host, port, exclusive: true }, () => {
        this.socket.off('error', onError);
        // Without a callback, dgram reports send failures (EMSGSIZE, unreachable, ...) as 'error' events.
        this.socket.on('error', () => this.ctx.counters.udpSendErrors++);
        const info = this.socket.address();
        this.local = { transport: 'udp', address: info.address, port: info.port };
        resolve(this.local);
      });
    });
  }

  /** What the OS granted for SO_RCVBUF (it may cap the 8 MiB asked). */
  recvBufferSize(): number {
    try {
      return this.socket.getRecvBufferSize();
    } catch {
      return 0;
    }
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    // A datagram of CRLFs only is a NAT keepalive; the first byte decides for every real message.
    const first = msg[0];
    if (first === undefined || first === CR || first === LF) {
      let i = 1;
      while (i < msg.length && (msg[i] === CR || msg[i] === LF)) i++;
      if (i >= msg.length) return;
    }
    this.counters.messagesIn++;
    this.counters.bytesIn += msg.length;
    const remote: Remote = { transport: 'udp', address: this.ipv6 ? normalizeAddress(rinfo.address) : rinfo.address, port: rinfo.port };
    deliver(this.ctx, msg, remote, this.local);
  }

  send(data: Buffer, remote: Remote): boolean {
    let address = remote.address;
    if (this.ipv6) {
      // A dual-stack udp6 socket reaches IPv4 peers through their mapped address.
      if (address.startsWith('[')) address = address.slice(1, -1);
      else if (isIPv4(address)) address = `::ffff:${address}`;
    }
    try {
      this.socket.send(data, remote.port, address);
    } catch {
      this.ctx.counters.udpSendErrors++;
      return false;
    }
    this.counters.messagesOut++;
    this.counters.bytesOut += data.length;
    return true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // never bound, or already closed
      }
    });
  }
}

/**
 * dgram resolves every destination, even an IP literal, through dns.lookup and a nextTick before
 * it sends; we send almost only to literals (source flows), so answer those at once.
 */
function literalFirstLookup(hostname: string, options: unknown, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = isIP(hostname);
  if (family !== 0) return callback(null, hostname, family);
  lookup(hostname, options as LookupOptions, (err, address, fam) => callback(err, address as string, fam));
}
