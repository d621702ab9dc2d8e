import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSipTransport } from './sip-transport.ts';
import { Recorder, portOf, sipMessage } from './test-support.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vaxel-lifecycle-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const WATCHED = new Set(['TCPServerWrap', 'TCPSocketWrap', 'UDPWrap', 'TLSWrap', 'Timeout']);

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) if (WATCHED.has(name)) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Handle kinds of which more are open now than in `baseline` (the runner's own timers may come and go, hence "more"). */
function leaked(baseline: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, count] of Object.entries(handles())) if (count > (baseline[name] ?? 0)) out[name] = count - (baseline[name] ?? 0);
  return out;
}

/** Handles close asynchronously after destroy(); give them a few turns of the loop before calling it a leak. */
async function leakedAfterSettling(baseline: Record<string, number>): Promise<Record<string, number>> {
  let now = leaked(baseline);
  for (let i = 0; i < 100 && Object.keys(now).length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    now = leaked(baseline);
  }
  return now;
}

const allTransports = { host: '127.0.0.1', udpPort: 0, tcpPort: 0, tlsPort: 0, wsPort: 0, wssPort: 0, tls: { dataDir } } as const;

describe('SipTransport lifecycle', () => {
  it('leaves no handle behind after start and close, twenty times over', async () => {
    const before = handles();
    for (let i = 0; i < 20; i++) {
      const transport = createSipTransport(allTransports, new Recorder());
      await transport.start();
      expect(transport.endpoints().map((e) => e.transport)).toEqual(['udp', 'tcp', 'tls', 'ws', 'wss']);
      expect(transport.endpoints().every((e) => e.port > 0)).toBe(true);
      await transport.close();
    }
    expect(await leakedAfterSettling(before)).toEqual({});
  });

  it('destroys open inbound and outbound connections on close', async () => {
    const before = handles();
    const events = new Recorder();
    const transport = createSipTransport(allTransports, events);
    await transport.start();
    const tcpClient = net.connect({ host: '127.0.0.1', port: portOf(transport, 'tcp') });
    tcpClient.on('error', () => undefined);
    tcpClient.write(sipMessage());
    const ws = new WebSocket(`ws://127.0.0.1:${portOf(transport, 'ws')}/`, ['sip']);
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    const peer = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    expect(transport.send(sipMessage(), { transport: 'tcp', address: '127.0.0.1', port: (peer.address() as net.AddressInfo).port })).toBe(true);
    await events.until(() => transport.stats().connections_open === 3, 'three open connections');

    const tcpClosed = new Promise((resolve) => tcpClient.once('close', resolve));
    const wsClosed = new Promise((resolve) => ws.once('close', resolve));
    await transport.close();
    await Promise.all([tcpClosed, wsClosed]);
    await new Promise<void>((resolve) => peer.close(() => resolve()));
    expect(transport.stats().connections_open).toBe(0);
    expect(transport.send(sipMessage(), { transport: 'udp', address: '127.0.0.1', port: 9 })).toBe(false);
    expect(await leakedAfterSettling(before)).toEqual({});
  });

  it('closes everything when close() is called while start() is still binding', async () => {
    const before = handles();
    const transport = createSipTransport(allTransports, new Recorder());
    const started = transport.start();
    await transport.close();
    await started;
    expect(transport.send(sipMessage(), { transport: 'udp', address: '127.0.0.1', port: 9 })).toBe(false);
    expect(await leakedAfterSettling(before)).toEqual({});
  });

  it('releases what it bound when start fails', async () => {
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
    const before = handles();
    const transport = createSipTransport({ host: '127.0.0.1', tcpPort: 0, udpPort: taken.address().port }, new Recorder());
    await expect(transport.start()).rejects.toThrow(/EADDRINUSE/);
    expect(await leakedAfterSettling(before)).toEqual({});
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  });
});
