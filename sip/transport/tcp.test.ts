import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamPeer } from './stream-test-support.ts';
import { portOf, sipMessage, startTransport } from './test-support.ts';
import type { SipTransportOptions } from './types.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function start(opts: Partial<SipTransportOptions> = {}): Promise<Awaited<ReturnType<typeof startTransport>>> {
  const started = await startTransport({ tcpPort: 0, ...opts });
  cleanups.push(() => started.transport.close());
  return started;
}

async function connect(port: number): Promise<StreamPeer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  cleanups.push(() => void socket.destroy());
  return new StreamPeer(socket);
}

describe('TCP transport', () => {
  it('frames a message written one byte at a time', async () => {
    const { transport, events } = await start();
    const peer = await connect(portOf(transport, 'tcp'));
    const msg = sipMessage('split body');
    for (let i = 0; i < msg.length; i++) {
      peer.socket.write(msg.subarray(i, i + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await events.until(() => events.messages.length === 1, 'the message');
    expect(events.messages[0]?.data).toEqual(msg);
    expect(events.messages[0]?.remote).toMatchObject({ transport: 'tcp', address: '127.0.0.1', port: peer.socket.localPort });
    expect(events.messages[0]?.local).toEqual({ transport: 'tcp', address: '127.0.0.1', port: portOf(transport, 'tcp') });
  });

  it('delivers three messages written in one chunk as three messages', async () => {
    const { transport, events } = await start();
    const peer = await connect(portOf(transport, 'tcp'));
    const msgs = [sipMessage('one', { callId: 'a' }), sipMessage('', { callId: 'b' }), sipMessage('three', { callId: 'c' })];
    await peer.write(Buffer.concat(msgs));
    await events.until(() => events.messages.length === 3, 'three messages');
    expect(events.messages.map((m) => m.data)).toEqual(msgs);
    expect(new Set(events.messages.map((m) => m.remote.connectionId)).size).toBe(1);
  });

  it('frames a binary body containing CRLFCRLF by its Content-Length', async () => {
    const { transport, events } = await start();
    const peer = await connect(portOf(transport, 'tcp'));
    const body = Buffer.from([0xff, 0x00, 13, 10, 13, 10, 0x80, 13, 10, 13, 10]);
    const msgs = [sipMessage(body, { callId: 'bin' }), sipMessage('tail', { callId: 'next' })];
    await peer.write(Buffer.concat(msgs));
    await events.until(() => events.messages.length === 2, 'both messages');
    expect(events.messages[0]?.data).toEqual(msgs[0]);
    expect(events.messages[1]?.data).toEqual(msgs[1]);
  });

  for (const [name, msg, reason] of [
    ['a missing Content-Length', sipMessage('abc', { contentLength: null }), 'no Content-Length'],
    ['a negative Content-Length', sipMessage('abc', { contentLength: '-3' }), 'invalid Content-Length'],
    ['conflicting Content-Length values', sipMessage('abc', { extraHeaders: ['Content-Length: 2'] }), 'conflicting Content-Length'],
  ] as const) {
    it(`closes the connection and reports ${name}`, async () => {
      const { transport, events } = await start();
      const peer = await connect(portOf(transport, 'tcp'));
      await peer.write(msg);
      await peer.whenClosed();
      await events.until(() => events.errors.length === 1, 'the transport error');
      expect(events.errors[0]?.reason).toContain(reason);
      expect(events.messages).toHaveLength(0);
      expect(transport.stats().framing_errors).toBe(1);
      await events.until(() => events.closed.length === 1, 'onConnectionClosed');
      expect(transport.stats().tcp_connections_open).toBe(0);
    });
  }

  it('closes a connection sending a message larger than maxMessageSize', async () => {
    const { transport, events } = await start({ maxMessageSize: 2000 });
    const peer = await connect(portOf(transport, 'tcp'));
    await peer.write(sipMessage('x'.repeat(5000)));
    await peer.whenClosed();
    expect(events.errors[0]?.reason).toContain('exceeds 2000');
    expect(events.messages).toHaveLength(0);
  });

  it('closes a connection holding an incomplete message past headerTimeoutMs', async () => {
    const { transport, events } = await start({ headerTimeoutMs: 200 });
    const peer = await connect(portOf(transport, 'tcp'));
    await peer.write('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP x\r\n');
    await peer.whenClosed();
    expect(events.errors[0]?.reason).toContain('within 200 ms');
    expect(transport.stats().connection_timeouts).toBe(1);
  });

  it('closes a connection without traffic after idleTimeoutMs, without reporting an error', async () => {
    const { transport, events } = await start({ idleTimeoutMs: 200 });
    const peer = await connect(portOf(transport, 'tcp'));
    await peer.whenClosed();
    await events.until(() => events.closed.length === 1, 'onConnectionClosed');
    expect(events.errors).toHaveLength(0);
  });

  it('refuses a connection beyond maxConnectionsPerAddress and keeps the others', async () => {
    const { transport, events } = await start({ maxConnectionsPerAddress: 2 });
    const port = portOf(transport, 'tcp');
    const first = await connect(port);
    await connect(port);
    const extra = await connect(port);
    await extra.whenClosed();
    expect(events.errors[0]?.reason).toContain('maxConnectionsPerAddress');
    expect(transport.stats().connections_refused).toBe(1);
    await first.write(sipMessage());
    await events.until(() => events.messages.length === 1, 'a message on an admitted connection');
  });

  it('refuses a connection beyond maxConnections', async () => {
    const { transport, events } = await start({ maxConnections: 1 });
    const port = portOf(transport, 'tcp');
    await connect(port);
    const extra = await connect(port);
    await extra.whenClosed();
    expect(events.errors[0]?.reason).toContain('maxConnections (1)');
  });

  it('answers a CRLFCRLF ping with a CRLF pong and does not deliver it', async () => {
    const { transport, events } = await start();
    const peer = await connect(portOf(transport, 'tcp'));
    await peer.write('\r\n\r\n');
    expect(await peer.receivedBytes(2)).toBe('\r\n');
    await peer.write(sipMessage());
    await events.until(() => events.messages.length === 1, 'the message after the ping');
    expect(peer.received).toBe('\r\n');
    expect(transport.stats().keepalive_pings).toBe(1);
  });

  it('sends a reply on the connection the request came in on', async () => {
    const { transport, events } = await start();
    const peer = await connect(portOf(transport, 'tcp'));
    await peer.write(sipMessage());
    await events.until(() => events.messages.length === 1, 'the request');
    const remote = events.messages[0]!.remote;
    expect(remote.connectionId).toBeTypeOf('number');
    const reply = 'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n';
    expect(transport.send(Buffer.from(reply), remote)).toBe(true);
    await peer.receivedText(reply);
    // Without the id, the same address and port still find the connection.
    expect(transport.send(Buffer.from(reply), { transport: 'tcp', address: '127.0.0.1', port: peer.socket.localPort! })).toBe(true);
    await peer.receivedText(reply + reply);
    expect(transport.stats().tcp_connections_open).toBe(1);
  });

  it('reports the close when the remote end hangs up', async () => {
    const { transport, events } = await start();
    const peer = await connect(portOf(transport, 'tcp'));
    await peer.write(sipMessage());
    await events.until(() => events.messages.length === 1, 'the request');
    peer.socket.end();
    await events.until(() => events.closed.length === 1, 'onConnectionClosed');
    expect(events.closed).toEqual([events.messages[0]!.remote.connectionId]);
    expect(transport.stats().tcp_connections_open).toBe(0);
  });

  it('opens a connection to a new address, reuses it, and receives the answer on it', async () => {
    const { transport, events } = await start();
    const accepted: StreamPeer[] = [];
    const server = net.createServer((socket) => accepted.push(new StreamPeer(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    cleanups.push(() => accepted.forEach((p) => p.socket.destroy()));
    const port = (server.address() as net.AddressInfo).port;

    const first = sipMessage('', { callId: 'out-1' });
    const second = sipMessage('', { callId: 'out-2' });
    expect(transport.send(first, { transport: 'tcp', address: '127.0.0.1', port })).toBe(true);
    expect(transport.send(second, { transport: 'tcp', address: '127.0.0.1', port })).toBe(true);
    await events.until(() => accepted.length === 1, 'the outbound connection');
    await accepted[0]!.receivedBytes(first.length + second.length);
    expect(accepted[0]!.received).toBe(first.toString('latin1') + second.toString('latin1'));

    await accepted[0]!.write(sipMessage('', { callId: 'answer' }));
    await events.until(() => events.messages.length === 1, 'the answer');
    expect(events.messages[0]?.remote).toMatchObject({ transport: 'tcp', address: '127.0.0.1', port });
    expect(events.messages[0]?.local.port).toBe(portOf(transport, 'tcp'));
    expect(accepted).toHaveLength(1);
  });

  it('reports a failed outbound connect', async () => {
    const { transport, events } = await start();
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    expect(transport.send(sipMessage(), { transport: 'tcp', address: '127.0.0.1', port: closedPort })).toBe(true);
    await events.until(() => events.errors.length === 1, 'the connect failure');
    expect(events.errors[0]?.reason).toContain('ECONNREFUSED');
    expect(transport.stats().tcp_connections_open).toBe(0);
  });

  it('counts messages and bytes per transport', async () => {
    const { transport, events } = await start();
    const peer = await connect(portOf(transport, 'tcp'));
    const msg = sipMessage('abc');
    await peer.write(Buffer.concat([msg, msg]));
    await events.until(() => events.messages.length === 2, 'two messages');
    const stats = transport.stats();
    expect(stats.tcp_messages_in).toBe(2);
    expect(stats.tcp_bytes_in).toBe(2 * msg.length);
    expect(stats.connections_open).toBe(1);
  });
});
