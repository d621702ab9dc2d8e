export type TransportName = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** Where a message came from / goes to. For connection-oriented transports connectionId names the connection it arrived on (replies and requests to that contact reuse it, RFC 5626/7118 style). */
export interface Remote {
  transport: TransportName;
  address: string;
  port: number;
  connectionId?: number;
}

export interface LocalEndpoint {
  transport: TransportName;
  address: string;
  port: number;
}

export interface TransportEvents {
  /** One complete SIP message (a whole UDP datagram, or one message framed from a stream by Content-Length, or one WebSocket message). */
  onMessage(data: Buffer, remote: Remote, local: LocalEndpoint): void;
  /** A stream framing error or limit hit: the connection was closed. For logging/security. */
  onTransportError?(remote: Remote, reason: string): void;
  onConnectionClosed?(connectionId: number): void;
}

export interface SipTransportOptions {
  host: string; // e.g. '127.0.0.1' or '0.0.0.0' or '::'
  udpPort?: number | null; // 0 = ephemeral, null/undefined = off
  tcpPort?: number | null;
  tlsPort?: number | null;
  wsPort?: number | null; // plain WebSocket (ws://host:port/, subprotocol 'sip')
  wssPort?: number | null;
  tls?: { certFile: string; keyFile: string } | { dataDir: string }; // dataDir: create/reuse a self-signed cert there (tls/cert.pem, tls/key.pem) at first start
  /**
   * Outbound TLS: verify the peer's certificate chain and name (default true). Turning it off
   * accepts any certificate, self-signed trunks included, at the cost of MITM protection.
   */
  tlsVerifyPeer?: boolean;
  udpRecvBufferSize?: number; // default 8 MiB (ask; the OS caps it)
  udpSendBufferSize?: number; // default 8 MiB
  maxMessageSize?: number; // default 65535 bytes; bigger stream messages close the connection
  maxConnections?: number; // default 10000 (TCP+TLS+WS together); extra connections are refused/closed at once
  maxConnectionsPerAddress?: number; // default 200
  idleTimeoutMs?: number; // default 3 600 000 for connections without traffic (RFC 5626 keepalives count as traffic)
  headerTimeoutMs?: number; // default 32 000: a connection holding an incomplete message this long is closed (clerr.dat over TCP)
}

export interface SipTransport {
  start(): Promise<void>;
  /** The bound endpoints (with real ports when 0 was asked). */
  endpoints(): LocalEndpoint[];
  /** Send one serialized message. UDP: to address:port. Stream: to remote.connectionId if that connection is still open, else (tcp/tls only) open a new connection to address:port and reuse it for later sends to the same address:port; ws/wss without a live connection → returns false. Never throws; returns false if it could not send. */
  send(data: Buffer, remote: Remote): boolean;
  close(): Promise<void>;
  /** Counters for /metrics: messages in/out per transport, bytes, open connections, framing errors, udp send errors. */
  stats(): Record<string, number>;
}

/** Options with their defaults applied. */
export interface TransportLimits {
  maxMessageSize: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  idleTimeoutMs: number;
  headerTimeoutMs: number;
}
