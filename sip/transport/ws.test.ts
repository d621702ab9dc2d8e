import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { portOf, sipMessage, startTransport } from './test-support.ts';
import type { SipTransportOptions } from './types.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function start(opts: Partial<SipTransportOptions>): Promise<Awaited<ReturnType<typeof startTransport>>> {
  const started = await startTransport(opts);
  cleanups.push(() => started.transport.close());
  return started;
}

interface WsPeer {
  ws: WebSocket;
  frames: Array<{ data: Buffer; isBinary: boolean }>;
  next(): Promise<{ data: Buffer; isBinary: boolean }>;
  closed: Promise<number>;
}

async function wsConnect(url: string, protocols: string[] | undefined, options: WebSocket.ClientOptions = {}): Promise<WsPeer> {
  const ws = new WebSocket(url, protocols, options);
  cleanups.push(() => ws.terminate());
  const frames: WsPeer['frames'] = [];
  const waiting: Array<(f: { data: Buffer; isBinary: boolean }) => void> = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const frame = { data, isBinary };
    const w = waiting.shift();
    if (w) w(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    closed,
    next: () => {
      const queued = frames.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

function refusedStatus(url: string, protocols: string[] | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    cleanups.push(() => ws.terminate());
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('the handshake was accepted')));
    ws.on('error', reject);
  });
}

describe('WebSocket transport (RFC 7118)', () => {
  it('exchanges messages both ways with a client offering the sip subprotocol', async () => {
    const { transport, events } = await start({ wsPort: 0 });
    const peer = await wsConnect(`ws://127.0.0.1:${portOf(transport, 'ws')}/`, ['sip']);
    expect(peer.ws.protocol).toBe('sip');
    const request = sipMessage('over websocket');
    peer.ws.send(request.toString('latin1'));
    await events.until(() => events.messages.length === 1, 'the request');
    expect(events.messages[0]?.data).toEqual(request);
    const remote = events.messages[0]!.remote;
    expect(remote).toMatchObject({ transport: 'ws', address: '127.0.0.1' });
    expect(events.messages[0]?.local).toMatchObject({ transport: 'ws', port: portOf(transport, 'ws') });

    const reply = Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(transport.send(reply, remote)).toBe(true);
    const frame = await peer.next();
    expect(frame).toEqual({ data: reply, isBinary: false });
    expect(transport.stats().ws_messages_out).toBe(1);
  });

  it('sends a message whose body is not UTF-8 as a binary frame', async () => {
    const { transport, events } = await start({ wsPort: 0 });
    const peer = await wsConnect(`ws://127.0.0.1:${portOf(transport, 'ws')}/`, ['sip']);
    peer.ws.send(sipMessage());
    await events.until(() => events.messages.length === 1, 'the request');
    const binary = sipMessage(Buffer.from([0xff, 0xfe, 0x00]));
    expect(transport.send(binary, events.messages[0]!.remote)).toBe(true);
    expect(await peer.next()).toEqual({ data: binary, isBinary: true });
  });

  it('refuses a handshake without the sip subprotocol with 400', async () => {
    const { transport, events } = await start({ wsPort: 0 });
    const url = `ws://127.0.0.1:${portOf(transport, 'ws')}/`;
    expect(await refusedStatus(url, undefined)).toBe(400);
    expect(await refusedStatus(url, ['chat'])).toBe(400);
    expect(events.errors[0]?.reason).toContain('sip subprotocol');
    expect(transport.stats().ws_connections_open).toBe(0);
  });

  it('answers a CRLFCRLF keepalive with CRLF and does not deliver it', async () => {
    const { transport, events } = await start({ wsPort: 0 });
    const peer = await wsConnect(`ws://127.0.0.1:${portOf(transport, 'ws')}/`, ['sip']);
    peer.ws.send('\r\n\r\n');
    expect((await peer.next()).data.toString()).toBe('\r\n');
    peer.ws.send(sipMessage());
    await events.until(() => events.messages.length === 1, 'the message after the keepalive');
    expect(events.messages).toHaveLength(1);
  });

  it('closes a connection whose message exceeds maxMessageSize', async () => {
    const { transport, events } = await start({ wsPort: 0, maxMessageSize: 1000 });
    const peer = await wsConnect(`ws://127.0.0.1:${portOf(transport, 'ws')}/`, ['sip']);
    peer.ws.send(sipMessage('x'.repeat(2000)));
    await peer.closed;
    await events.until(() => events.errors.length === 1, 'the error');
    expect(events.errors[0]?.reason).toContain('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    expect(events.messages).toHaveLength(0);
    await events.until(() => events.closed.length === 1, 'onConnectionClosed');
  });

  it('counts WebSocket connections toward maxConnectionsPerAddress', async () => {
    const { transport, events } = await start({ wsPort: 0, tcpPort: 0, maxConnectionsPerAddress: 1 });
    await wsConnect(`ws://127.0.0.1:${portOf(transport, 'ws')}/`, ['sip']);
    await expect(wsConnect(`ws://127.0.0.1:${portOf(transport, 'ws')}/`, ['sip'])).rejects.toThrow();
    expect(events.errors[0]?.reason).toContain('maxConnectionsPerAddress');
  });

  it('returns false when sending to a WebSocket peer without a live connection', async () => {
    const { transport } = await start({ wsPort: 0 });
    expect(transport.send(sipMessage(), { transport: 'ws', address: '127.0.0.1', port: 5060, connectionId: 99 })).toBe(false);
  });

  it('exchanges messages over wss with the self-signed certificate', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vaxel-wss-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { transport, events } = await start({ wssPort: 0, tls: { dataDir } });
    const peer = await wsConnect(`wss://127.0.0.1:${portOf(transport, 'wss')}/`, ['sip'], { rejectUnauthorized: false });
    peer.ws.send(sipMessage('secure'));
    await events.until(() => events.messages.length === 1, 'the request');
    expect(events.messages[0]?.remote.transport).toBe('wss');
    const reply = Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(transport.send(reply, events.messages[0]!.remote)).toBe(true);
    expect((await peer.next()).data).toEqual(reply);
  });
});
