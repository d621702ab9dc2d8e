import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipTransport } from './types.ts';
import { portOf, sipMessage, startTransport } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function udpPeer(): Promise<{ socket: dgram.Socket; port: number; received: Buffer[]; next: () => Promise<Buffer> }> {
  const socket = dgram.createSocket('udp4');
  const received: Buffer[] = [];
  const waiting: Array<(b: Buffer) => void> = [];
  socket.on('message', (m) => {
    const w = waiting.shift();
    if (w) w(m);
    else received.push(m);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => socket.close(() => resolve())));
  const next = (): Promise<Buffer> => {
    const queued = received.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
  };
  return { socket, port: socket.address().port, received, next };
}

async function start(): Promise<Awaited<ReturnType<typeof startTransport>>> {
  const started = await startTransport({ udpPort: 0 });
  cleanups.push(() => started.transport.close());
  return started;
}

function sendTo(socket: dgram.Socket, transport: SipTransport, data: Buffer): void {
  socket.send(data, portOf(transport, 'udp'), '127.0.0.1');
}

describe('UDP transport', () => {
  it('delivers a datagram unchanged and sends a reply back to its source', async () => {
    const { transport, events } = await start();
    const peer = await udpPeer();
    const request = Buffer.concat([sipMessage('body'), Buffer.from('trailing junk the parser deals with')]);
    sendTo(peer.socket, transport, request);
    await events.until(() => events.messages.length === 1, 'the datagram');
    const [got] = events.messages;
    expect(got?.data).toEqual(request);
    expect(got?.remote).toEqual({ transport: 'udp', address: '127.0.0.1', port: peer.port });
    expect(got?.local).toEqual({ transport: 'udp', address: '127.0.0.1', port: portOf(transport, 'udp') });

    const reply = Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(transport.send(reply, got!.remote)).toBe(true);
    expect(await peer.next()).toEqual(reply);
    const stats = transport.stats();
    expect(stats.udp_messages_in).toBe(1);
    expect(stats.udp_messages_out).toBe(1);
    expect(stats.udp_bytes_in).toBe(request.length);
  });

  it('ignores a CRLF keepalive datagram', async () => {
    const { transport, events } = await start();
    const peer = await udpPeer();
    sendTo(peer.socket, transport, Buffer.from('\r\n\r\n'));
    sendTo(peer.socket, transport, Buffer.from('\r\n'));
    sendTo(peer.socket, transport, sipMessage('', { callId: 'after-keepalive' }));
    await events.until(() => events.messages.length >= 1, 'the real message');
    expect(events.messages).toHaveLength(1);
    expect(events.messages[0]?.data.toString('latin1')).toContain('Call-ID: after-keepalive');
  });

  it('returns false instead of throwing for an unusable destination', async () => {
    const { transport } = await start();
    expect(transport.send(Buffer.from('x'), { transport: 'udp', address: '127.0.0.1', port: 0 })).toBe(false);
    expect(transport.send(Buffer.from('x'), { transport: 'udp', address: '127.0.0.1', port: 70000 })).toBe(false);
  });

  it('reports IPv4 peers of a dual-stack socket by their plain IPv4 address and reaches them', async () => {
    // Every machine this runs on has IPv6 loopback; a failure to bind '::' is a failure.
    const started = await startTransport({ host: '::', udpPort: 0 });
    cleanups.push(() => started.transport.close());
    const { transport, events } = started;
    const peer = await udpPeer();
    sendTo(peer.socket, transport, sipMessage());
    await events.until(() => events.messages.length === 1, 'the datagram');
    expect(events.messages[0]?.remote).toEqual({ transport: 'udp', address: '127.0.0.1', port: peer.port });
    const reply = Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(transport.send(reply, events.messages[0]!.remote)).toBe(true);
    expect(await peer.next()).toEqual(reply);
  });

  it('asks the OS for large socket buffers', async () => {
    const { transport } = await start();
    expect(transport.stats().udp_recv_buffer_bytes).toBeGreaterThan(0);
  });
});
