// Helpers for the transport tests: a recording TransportEvents and a SIP message builder.
import { createSipTransport } from './sip-transport.ts';
import type { LocalEndpoint, Remote, SipTransport, SipTransportOptions, TransportEvents, TransportName } from './types.ts';

export interface Received {
  data: Buffer;
  remote: Remote;
  local: LocalEndpoint;
}

/** Records every event and lets a test wait for the next one matching a condition. */
export class Recorder implements TransportEvents {
  readonly messages: Received[] = [];
  readonly errors: Array<{ remote: Remote; reason: string }> = [];
  readonly closed: number[] = [];
  private waiters: Array<() => void> = [];

  onMessage(data: Buffer, remote: Remote, local: LocalEndpoint): void {
    this.messages.push({ data: Buffer.from(data), remote, local });
    this.wake();
  }

  onTransportError(remote: Remote, reason: string): void {
    this.errors.push({ remote, reason });
    this.wake();
  }

  onConnectionClosed(connectionId: number): void {
    this.closed.push(connectionId);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once `condition` holds; rejects after `ms` so a broken test fails instead of hanging. */
  async until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export async function startTransport(opts: Partial<SipTransportOptions>, recorder = new Recorder()): Promise<{ transport: SipTransport; events: Recorder }> {
  const transport = createSipTransport({ host: '127.0.0.1', ...opts }, recorder);
  await transport.start();
  return { transport, events: recorder };
}

export function portOf(transport: SipTransport, name: TransportName): number {
  const endpoint = transport.endpoints().find((e) => e.transport === name);
  if (!endpoint) throw new Error(`no ${name} endpoint`);
  return endpoint.port;
}

/** A small OPTIONS request with the given body and an exact Content-Length unless headers say otherwise. */
export function sipMessage(body: Buffer | string = '', opts: { contentLength?: string | null; extraHeaders?: string[]; callId?: string } = {}): Buffer {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const lines = [
    'OPTIONS sip:vaxel@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-test',
    'From: <sip:test@127.0.0.1>;tag=1',
    'To: <sip:vaxel@127.0.0.1>',
    `Call-ID: ${opts.callId ?? 'call-1'}`,
    'CSeq: 1 OPTIONS',
    ...(opts.extraHeaders ?? []),
  ];
  if (opts.contentLength !== null) lines.push(`Content-Length: ${opts.contentLength ?? bodyBytes.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bodyBytes]);
}
