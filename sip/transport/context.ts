import type { ConnectionTable } from './connection-table.ts';
import type { Counters } from './counters.ts';
import type { LocalEndpoint, Remote, TransportEvents, TransportLimits, TransportName } from './types.ts';

/** What every listener and connection of one SipTransport shares. */
export interface TransportContext {
  readonly limits: TransportLimits;
  readonly events: TransportEvents;
  readonly counters: Counters;
  readonly table: ConnectionTable;
  readonly tlsVerifyPeer: boolean;
  /** The local host the listeners were bound to. */
  readonly host: string;
  /** Listening port per transport once bound; outbound connections advertise it as their local port. */
  readonly listenPorts: Partial<Record<TransportName, number>>;
  /** Set by close(): from then on no event reaches the owner. */
  closing: boolean;
}

export function deliver(ctx: TransportContext, data: Buffer, remote: Remote, local: LocalEndpoint): void {
  if (ctx.closing) return;
  try {
    ctx.events.onMessage(data, remote, local);
  } catch {
    // A throwing handler must not kill the socket's event loop turn, nor the other messages of the chunk.
    ctx.counters.handlerErrors++;
  }
}

export function reportError(ctx: TransportContext, remote: Remote, reason: string): void {
  if (ctx.closing || !ctx.events.onTransportError) return;
  try {
    ctx.events.onTransportError(remote, reason);
  } catch {
    ctx.counters.handlerErrors++;
  }
}

/** Dual-stack sockets report IPv4 peers as '::ffff:a.b.c.d'; callers and Via headers want 'a.b.c.d'. Brackets from a URI host are dropped too. */
export function normalizeAddress(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (address.startsWith('[') && address.endsWith(']')) return address.slice(1, -1);
  return address;
}
