// The transport layer of Vaxel's SIP stack: bytes and framing over UDP, TCP, TLS and WebSocket.
export type { LocalEndpoint, Remote, SipTransport, SipTransportOptions, TransportEvents, TransportName } from './types.ts';
export { createSipTransport, TRANSPORT_DEFAULTS } from './sip-transport.ts';
export { createSelfSignedCertificate, loadOrCreateSelfSigned } from './self-signed-cert.ts';
