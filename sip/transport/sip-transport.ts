import { ConnectionTable } from './connection-table.ts';
import type { TransportContext } from './context.ts';
import { Counters } from './counters.ts';
import { StreamListener, dial } from './stream-listener.ts';
import { loadTlsMaterial } from './tls-material.ts';
import type { LocalEndpoint, Remote, SipTransport, SipTransportOptions, TransportEvents, TransportLimits } from './types.ts';
import { UdpEndpoint } from './udp-endpoint.ts';
import { WsListener } from './ws-listener.ts';

const MIB = 1024 * 1024;

export const TRANSPORT_DEFAULTS = {
  udpRecvBufferSize: 8 * MIB,
  udpSendBufferSize: 8 * MIB,
  maxMessageSize: 65535,
  maxConnections: 10000,
  maxConnectionsPerAddress: 200,
  idleTimeoutMs: 3_600_000,
  headerTimeoutMs: 32_000,
} as const;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`SipTransport option ${name} must be a positive number, got ${value}`);
  return value;
}

function limitsFrom(opts: SipTransportOptions): TransportLimits {
  return {
    maxMessageSize: positive('maxMessageSize', opts.maxMessageSize, TRANSPORT_DEFAULTS.maxMessageSize),
    maxConnections: positive('maxConnections', opts.maxConnections, TRANSPORT_DEFAULTS.maxConnections),
    maxConnectionsPerAddress: positive('maxConnectionsPerAddress', opts.maxConnectionsPerAddress, TRANSPORT_DEFAULTS.maxConnectionsPerAddress),
    idleTimeoutMs: positive('idleTimeoutMs', opts.idleTimeoutMs, TRANSPORT_DEFAULTS.idleTimeoutMs),
    headerTimeoutMs: positive('headerTimeoutMs', opts.headerTimeoutMs, TRANSPORT_DEFAULTS.headerTimeoutMs),
  };
}

const enabled = (port: number | null | undefined): port is number => port !== null && port !== undefined;

export function createSipTransport(opts: SipTransportOptions, events: TransportEvents): SipTransport {
  const table = new ConnectionTable();
  const ctx: TransportContext = {
    limits: limitsFrom(opts),
    events,
    counters: new Counters(),
    table,
    tlsVerifyPeer: opts.tlsVerifyPeer ?? true,
    host: opts.host,
    listenPorts: {},
    closing: false,
  };
  table.attach(ctx);
  let state: 'new' | 'started' | 'closed' = 'new';
  let udp: UdpEndpoint | null = null;
  const listeners: Array<StreamListener | WsListener> = [];
  const bound: LocalEndpoint[] = [];
  let starting: Promise<void> | null = null;
  let closing: Promise<void> | null = null;

  async function shutdown(): Promise<void> {
    ctx.closing = true;
    table.closeAll();
    await Promise.all([udp?.close(), ...listeners.map((l) => l.close())]);
  }

  function start(): Promise<void> {
    if (state !== 'new') return Promise.reject(new Error('SipTransport.start() may be called once'));
    state = 'started';
    starting = bindAll();
    return starting;
  }

  async function bindAll(): Promise<void> {
    try {
      const material = enabled(opts.tlsPort) || enabled(opts.wssPort) ? await loadTlsMaterial(opts.tls) : null;
      if (enabled(opts.udpPort)) {
        udp = new UdpEndpoint(
          ctx,
          opts.host,
          positive('udpRecvBufferSize', opts.udpRecvBufferSize, TRANSPORT_DEFAULTS.udpRecvBufferSize),
          positive('udpSendBufferSize', opts.udpSendBufferSize, TRANSPORT_DEFAULTS.udpSendBufferSize),
        );
        bound.push(await udp.bind(opts.host, opts.udpPort));
      }
      const wanted = [
        ['tcp', opts.tcpPort],
        ['tls', opts.tlsPort],
        ['ws', opts.wsPort],
        ['wss', opts.wssPort],
      ] as const;
      for (const [transport, port] of wanted) {
        if (!enabled(port)) continue;
        const listener = transport === 'tcp' || transport === 'tls' ? new StreamListener(ctx, transport, material) : new WsListener(ctx, transport, material);
        listeners.push(listener);
        const endpoint = await listener.listen(opts.host, port);
        ctx.listenPorts[transport] = endpoint.port;
        bound.push(endpoint);
      }
      table.startSweeper();
    } catch (err) {
      state = 'closed';
      await shutdown();
      throw err;
    }
  }

  function send(data: Buffer, remote: Remote): boolean {
    if (state !== 'started' || ctx.closing) return false;
    try {
      if (remote.transport === 'udp') {
        if (udp?.send(data, remote)) return true;
      } else {
        let conn = table.find(remote);
        if (!conn && (remote.transport === 'tcp' || remote.transport === 'tls')) conn = dial(ctx, remote.transport, remote.address, remote.port) ?? undefined;
        if (conn?.write(data)) return true;
      }
    } catch {
      // e.g. an invalid port or address rejected synchronously by node
    }
    ctx.counters.sendFailures++;
    return false;
  }

  return {
    start,
    endpoints: () => bound.map((e) => ({ ...e })),
    send,
    close(): Promise<void> {
      state = 'closed';
      // A close() during start() waits for the binds in flight, so none of them is left open.
      closing ??= (starting ?? Promise.resolve()).catch(() => undefined).then(shutdown);
      return closing;
    },
    stats(): Record<string, number> {
      const out = ctx.counters.snapshot(table.openByTransport);
      if (udp) out.udp_recv_buffer_bytes = udp.recvBufferSize();
      return out;
    },
  };
}
