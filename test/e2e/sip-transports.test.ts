import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { digestAuthorization } from '../../sip/b2bua/client-digest.ts';
import { randomPort, seedSipOrg, SIP_PASSWORD, startSipTestServer, type SeededOrg, type SipTestServer } from './sip-fixture.ts';

/*
 * REGISTER with digest over each stream transport (TCP, TLS with the self-signed certificate
 * made at first start, WebSocket per RFC 7118), each answered over the connection it came on.
 */
type Send = (text: string) => Promise<string>;

/** One message out, one response back, framed by Content-Length on the stream. */
function streamClient(socket: Socket): Send {
  let buf = '';
  let waiter: ((msg: string) => void) | null = null;
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => {
    buf += d;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const len = Number(/\r\nContent-Length:\s*(\d+)/i.exec(buf.slice(0, end))?.[1] ?? '0');
    if (buf.length < end + 4 + len) return;
    const msg = buf.slice(0, end + 4 + len);
    buf = buf.slice(end + 4 + len);
    waiter?.(msg);
  });
  return (text) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response')), 5000);
      waiter = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      socket.write(text, 'latin1');
    });
}

function wsClient(ws: WebSocket): Send {
  return (text) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response')), 5000);
      ws.once('message', (d: Buffer) => {
        clearTimeout(timer);
        resolve(d.toString('latin1'));
      });
      ws.send(text);
    });
}

async function registerOver(send: Send, transport: string, domain: string, user: string, password = SIP_PASSWORD): Promise<string> {
  let cseq = 0;
  const req = (auth?: string) =>
    [
      `REGISTER sip:${domain} SIP/2.0`,
      `Via: SIP/2.0/${transport} client.invalid;branch=z9hG4bK${transport}${++cseq}${Math.random().toString(36).slice(2)}`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${domain}>;tag=t${transport}`,
      `To: <sip:${user}@${domain}>`,
      `Call-ID: reg-${transport}-${user}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@client.invalid;transport=${transport.toLowerCase()}>`,
      'Expires: 300',
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const challenge = await send(req());
  expect(challenge.split('\r\n')[0]).toBe('SIP/2.0 401 Unauthorized');
  const value = /^WWW-Authenticate:\s*(.*)$/im.exec(challenge)![1]!;
  return send(req(digestAuthorization(value, { username: user, password, method: 'REGISTER', uri: `sip:${domain}` })!));
}

describe('SIP over TCP, TLS and WebSocket', () => {
  let srv: SipTestServer;
  let org: SeededOrg;
  const domain = 'streams.test';
  const tlsPort = randomPort(45000, 5000);
  const wsPort = tlsPort + 1;

  beforeAll(async () => {
    srv = await startSipTestServer(
      async (store) => {
        org = await seedSipOrg(store, {
          slug: 'streams',
          domain,
          users: [{ name: 'tina', extension: '201', devices: ['tina-tcp', 'tina-tls', 'tina-ws'] }],
        });
      },
      { VAXEL_SIP_TLS_PORT: String(tlsPort), VAXEL_SIP_WS_PORT: String(wsPort) },
    );
  }, 60_000);
  afterAll(async () => srv?.stop());

  const bindingOf = (device: string) => srv.vaxel.sip.server.location.lookup(org.users.get('tina')!.devices.get(device)!, Date.now())[0];

  it('registers over TCP and answers on the same connection', async () => {
    const socket = tcpConnect(srv.sipPort, '127.0.0.1');
    try {
      const ok = await registerOver(streamClient(socket), 'TCP', domain, 'tina-tcp');
      expect(ok.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
      expect(bindingOf('tina-tcp')?.source).toMatchObject({ transport: 'tcp', address: '127.0.0.1' });
    } finally {
      socket.destroy();
    }
  });

  it('registers over TLS with the certificate created at first start', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false });
    try {
      await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
      expect(socket.getPeerCertificate().subject?.CN).toBe('vaxel');
      const ok = await registerOver(streamClient(socket), 'TLS', domain, 'tina-tls');
      expect(ok.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
      expect(bindingOf('tina-tls')?.source.transport).toBe('tls');
    } finally {
      socket.destroy();
    }
  });

  it('registers a browser-style WebSocket client (RFC 7118, subprotocol sip)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/`, 'sip');
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const ok = await registerOver(wsClient(ws), 'WS', domain, 'tina-ws');
      expect(ok.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
      // The contact host is not reachable (client.invalid): requests go back over this connection.
      expect(bindingOf('tina-ws')?.source).toMatchObject({ transport: 'ws', address: '127.0.0.1' });
      expect(bindingOf('tina-ws')?.source.connectionId).toBeTypeOf('number');
    } finally {
      ws.close();
    }
  });
});
