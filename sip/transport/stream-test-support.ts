// A raw stream client for the TCP/TLS transport tests: collects bytes and notices the close.
import type { Socket } from 'node:net';

export class StreamPeer {
  private data = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  get received(): string {
    return this.data.toString('latin1');
  }

  private async until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
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

  /** Waits until at least `bytes` bytes have arrived. */
  async receivedBytes(bytes: number): Promise<string> {
    await this.until(() => this.data.length >= bytes, `${bytes} bytes`);
    return this.received;
  }

  async receivedText(text: string): Promise<string> {
    await this.until(() => this.received.includes(text), JSON.stringify(text));
    return this.received;
  }

  async whenClosed(): Promise<void> {
    await this.until(() => this.closed, 'the connection to close');
  }

  write(data: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }
}
