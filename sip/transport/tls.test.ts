import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, loadOrCreateSelfSigned } from './self-signed-cert.ts';
import { StreamPeer } from './stream-test-support.ts';
import { portOf, sipMessage, startTransport } from './test-support.ts';
import type { SipTransportOptions } from './types.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vaxel-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(opts: Partial<SipTransportOptions>): Promise<Awaited<ReturnType<typeof startTransport>>> {
  const started = await startTransport(opts);
  cleanups.push(() => started.transport.close());
  return started;
}

async function tlsConnect(port: number, options: tls.ConnectionOptions = {}): Promise<StreamPeer & { cert: X509Certificate }> {
  // The test client accepts the self-signed certificate; the transport's own outbound side does not by default.
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  cleanups.push(() => void socket.destroy());
  const peer = new StreamPeer(socket) as StreamPeer & { cert: X509Certificate };
  peer.cert = socket.getPeerX509Certificate()!;
  return peer;
}

describe('TLS transport', () => {
  it('creates a self-signed certificate in dataDir on first start and reuses it on the next', async () => {
    const dataDir = tempDir();
    const first = await start({ tlsPort: 0, tls: { dataDir } });
    const firstCert = (await tlsConnect(portOf(first.transport, 'tls'))).cert;
    await first.transport.close();

    const keyMode = statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o777;
    expect(keyMode).toBe(0o600);
    expect(firstCert.subject).toBe('CN=vaxel');
    expect(firstCert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');

    const second = await start({ tlsPort: 0, tls: { dataDir } });
    const secondCert = (await tlsConnect(portOf(second.transport, 'tls'))).cert;
    expect(secondCert.fingerprint256).toBe(firstCert.fingerprint256);
  });

  it('creates a ten-year certificate of its own for each dataDir', async () => {
    const { cert } = await loadOrCreateSelfSigned(tempDir());
    const x509 = new X509Certificate(cert);
    const years = (Date.parse(x509.validTo) - Date.now()) / (365.25 * 24 * 3600 * 1000);
    expect(Math.round(years)).toBe(10);
    const { transport } = await start({ tlsPort: 0, tls: { dataDir: tempDir() } });
    const port = portOf(transport, 'tls');
    // A different dataDir means a different certificate: verification against `cert` must fail.
    await expect(tlsConnect(port, { rejectUnauthorized: true, ca: cert, servername: 'localhost' })).rejects.toThrow();
  });

  it('exchanges a message with a TLS client that verifies the certificate for localhost', async () => {
    const dataDir = tempDir();
    const { transport, events } = await start({ tlsPort: 0, tls: { dataDir } });
    const peer = await tlsConnect(portOf(transport, 'tls'), {
      ca: (await loadOrCreateSelfSigned(dataDir)).cert,
      rejectUnauthorized: true,
      servername: 'localhost',
    });
    const request = sipMessage('over tls');
    await peer.write(request);
    await events.until(() => events.messages.length === 1, 'the request');
    expect(events.messages[0]?.data).toEqual(request);
    expect(events.messages[0]?.remote.transport).toBe('tls');
    const reply = 'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n';
    expect(transport.send(Buffer.from(reply), events.messages[0]!.remote)).toBe(true);
    expect(await peer.receivedText(reply)).toBe(reply);
  });

  it('uses the certificate and key files it is given', async () => {
    const dir = tempDir();
    const material = createSelfSignedCertificate();
    writeFileSync(join(dir, 'c.pem'), material.cert);
    writeFileSync(join(dir, 'k.pem'), material.key);
    const { transport } = await start({ tlsPort: 0, tls: { certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem') } });
    const peer = await tlsConnect(portOf(transport, 'tls'));
    expect(peer.cert.fingerprint256).toBe(new X509Certificate(material.cert).fingerprint256);
  });

  it('refuses to start a TLS listener without a certificate source', async () => {
    await expect(startTransport({ tcpPort: 0, tlsPort: 0 })).rejects.toThrow(/tls option/);
  });

  describe('outbound', () => {
    async function tlsServer(): Promise<{ port: number; accepted: StreamPeer[] }> {
      const material = createSelfSignedCertificate();
      const accepted: StreamPeer[] = [];
      const server = tls.createServer({ cert: material.cert, key: material.key }, (socket) => accepted.push(new StreamPeer(socket)));
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      cleanups.push(() => accepted.forEach((p) => p.socket.destroy()));
      return { port: (server.address() as AddressInfo).port, accepted };
    }

    it('refuses an unverifiable peer certificate by default and reports why', async () => {
      const { port } = await tlsServer();
      const { transport, events } = await start({ tcpPort: 0 });
      expect(transport.send(sipMessage(), { transport: 'tls', address: '127.0.0.1', port })).toBe(true);
      await events.until(() => events.errors.length === 1, 'the verification failure');
      expect(events.errors[0]?.reason).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    });

    it('connects to a self-signed peer when tlsVerifyPeer is false', async () => {
      const { port, accepted } = await tlsServer();
      const { transport, events } = await start({ tcpPort: 0, tlsVerifyPeer: false });
      const msg = sipMessage('', { callId: 'tls-out' });
      expect(transport.send(msg, { transport: 'tls', address: '127.0.0.1', port })).toBe(true);
      await events.until(() => accepted.length === 1, 'the outbound TLS connection');
      expect(await accepted[0]!.receivedBytes(msg.length)).toBe(msg.toString('latin1'));
      await accepted[0]!.write(sipMessage('', { callId: 'tls-answer' }));
      await events.until(() => events.messages.length === 1, 'the answer');
      expect(events.messages[0]?.remote).toMatchObject({ transport: 'tls', address: '127.0.0.1', port });
    });
  });
});
