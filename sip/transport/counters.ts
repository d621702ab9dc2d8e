import type { TransportName } from './types.ts';

export const TRANSPORT_NAMES: readonly TransportName[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** Plain fields with a fixed shape, so the hot path increments without lookups. */
export class TransportCounters {
  messagesIn = 0;
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
}

export class Counters {
  readonly perTransport: Record<TransportName, TransportCounters> = {
    udp: new TransportCounters(),
    tcp: new TransportCounters(),
    tls: new TransportCounters(),
    ws: new TransportCounters(),
    wss: new TransportCounters(),
  };
  framingErrors = 0;
  udpSendErrors = 0;
  /** Connections refused by maxConnections / maxConnectionsPerAddress, and WebSocket handshakes without 'sip'. */
  connectionsRefused = 0;
  /** Connections closed by headerTimeoutMs or idleTimeoutMs. */
  timeouts = 0;
  /** CRLFCRLF pings answered. */
  keepalivePings = 0;
  /** Exceptions thrown by onMessage (caught so one bad message cannot take the listener down). */
  handlerErrors = 0;
  sendFailures = 0;

  snapshot(openByTransport: Record<TransportName, number>): Record<string, number> {
    const out: Record<string, number> = {};
    let open = 0;
    for (const name of TRANSPORT_NAMES) {
      const c = this.perTransport[name];
      out[`${name}_messages_in`] = c.messagesIn;
      out[`${name}_messages_out`] = c.messagesOut;
      out[`${name}_bytes_in`] = c.bytesIn;
      out[`${name}_bytes_out`] = c.bytesOut;
      if (name !== 'udp') {
        out[`${name}_connections_open`] = openByTransport[name];
        open += openByTransport[name];
      }
    }
    out.connections_open = open;
    out.connections_refused = this.connectionsRefused;
    out.connection_timeouts = this.timeouts;
    out.framing_errors = this.framingErrors;
    out.udp_send_errors = this.udpSendErrors;
    out.send_failures = this.sendFailures;
    out.keepalive_pings = this.keepalivePings;
    out.handler_errors = this.handlerErrors;
    return out;
  }
}
