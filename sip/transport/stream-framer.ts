import { CONTENT_LENGTH_CONFLICT, CONTENT_LENGTH_INVALID, CONTENT_LENGTH_MISSING, findContentLength } from './content-length.ts';

const CR = 13;
const LF = 10;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

export interface FrameSink {
  /** One whole message: header block and exactly Content-Length body bytes. */
  onFrame(message: Buffer): void;
  /** A CRLFCRLF keepalive ping between messages (RFC 5626 §4.4.1); the owner answers CRLF. */
  onPing(): void;
}

/**
 * Cuts a SIP byte stream into messages (RFC 3261 §18.3). Whole messages inside a chunk are handed
 * on as slices of that chunk, without copying; only the unfinished tail is copied into a growing
 * buffer, and the search for the end of the headers resumes where it stopped, so a message that
 * trickles in byte by byte costs linear time.
 */
export class StreamFramer {
  /** Holds the unfinished message, always starting at offset 0. */
  private acc: Buffer | null = null;
  private accLen = 0;
  private inMessage = false;
  /** Bytes of a CRLFCRLF ping matched so far between messages. */
  private pingMatched = 0;
  /** Bytes of the unfinished message already searched for CRLFCRLF. */
  private scanned = 0;
  /** Length of the unfinished message once its header block is read, else -1. */
  private total = -1;
  private stopped = false;
  /** Why the stream broke, once push() returned false. */
  error = '';

  constructor(
    private readonly maxMessageSize: number,
    private readonly sink: FrameSink,
  ) {}

  /** True while bytes of an unfinished message are held. */
  get pending(): boolean {
    return this.inMessage;
  }

  /** Stops delivering (the connection is going away), including from inside onFrame. */
  stop(): void {
    this.stopped = true;
    this.acc = null;
    this.accLen = 0;
  }

  /** Feeds one chunk. Returns false on a framing error (see `error`); the stream is then unusable. */
  push(chunk: Buffer): boolean {
    if (this.stopped) return false;
    if (this.accLen === 0) {
      const end = chunk.length;
      const pos = this.consume(chunk, 0, end, true);
      if (pos < 0) return false;
      if (pos < end && !this.stopped) this.stash(chunk, pos, end);
      return true;
    }
    this.append(chunk);
    const acc = this.acc as Buffer;
    const end = this.accLen;
    const pos = this.consume(acc, 0, end, false);
    if (pos < 0 || this.stopped) return pos >= 0;
    if (pos === end) {
      // Drop the buffer between messages so 10 000 quiet connections hold no memory.
      this.acc = null;
      this.accLen = 0;
    } else if (pos > 0) {
      acc.copyWithin(0, pos, end);
      this.accLen = end - pos;
    }
    return true;
  }

  private fail(reason: string): number {
    this.error = reason;
    this.stop();
    return -1;
  }

  private stash(chunk: Buffer, from: number, end: number): void {
    const length = end - from;
    const acc = Buffer.allocUnsafe(Math.max(4096, length * 2));
    chunk.copy(acc, 0, from, end);
    this.acc = acc;
    this.accLen = length;
  }

  private append(chunk: Buffer): void {
    let acc = this.acc as Buffer;
    const needed = this.accLen + chunk.length;
    if (needed > acc.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, acc.length * 2));
      acc.copy(grown, 0, 0, this.accLen);
      acc = grown;
      this.acc = grown;
    }
    chunk.copy(acc, this.accLen);
    this.accLen = needed;
  }

  /**
   * Frames messages from data[pos, end). Returns the offset of the first byte not consumed (the
   * start of an unfinished message, or `end`), or -1 on a framing error. In accumulator mode an
   * unfinished message always starts at 0, which is why `msgStart` can begin there.
   */
  private consume(data: Buffer, pos: number, end: number, zeroCopy: boolean): number {
    let msgStart = pos;
    while (pos < end) {
      if (!this.inMessage) {
        const b = data[pos];
        if (b === CR || b === LF) {
          this.matchPing(b);
          pos++;
          if (this.stopped) return end;
          continue;
        }
        // Lone CRLFs before a start-line are ignored (RFC 3261 §7.5).
        this.pingMatched = 0;
        this.inMessage = true;
        this.scanned = 0;
        this.total = -1;
        msgStart = pos;
      }
      if (this.total < 0) {
        const from = msgStart + (this.scanned > 3 ? this.scanned - 3 : 0);
        let idx = data.indexOf(CRLFCRLF, from);
        if (idx + 4 > end) idx = -1; // found only in stale accumulator bytes past the data
        if (idx < 0) {
          this.scanned = end - msgStart;
          if (this.scanned > this.maxMessageSize) return this.fail(`header block exceeds ${this.maxMessageSize} bytes`);
          return msgStart;
        }
        const bodyLength = findContentLength(data, msgStart, idx + 2);
        if (bodyLength === CONTENT_LENGTH_MISSING) return this.fail('no Content-Length on a stream transport');
        if (bodyLength === CONTENT_LENGTH_INVALID) return this.fail('invalid Content-Length');
        if (bodyLength === CONTENT_LENGTH_CONFLICT) return this.fail('conflicting Content-Length values');
        this.total = idx + 4 - msgStart + bodyLength;
        if (this.total > this.maxMessageSize) return this.fail(`message of ${this.total} bytes exceeds ${this.maxMessageSize}`);
      }
      const total = this.total;
      if (end - msgStart < total) return msgStart;
      let message: Buffer;
      if (zeroCopy) {
        message = data.subarray(msgStart, msgStart + total);
      } else if (msgStart === 0 && total === end) {
        // The accumulator holds exactly this message: hand it over instead of copying.
        message = data.subarray(0, total);
        this.acc = null;
        this.accLen = 0;
      } else {
        message = Buffer.allocUnsafe(total);
        data.copy(message, 0, msgStart, msgStart + total);
      }
      pos = msgStart + total;
      msgStart = pos;
      this.inMessage = false;
      this.total = -1;
      this.scanned = 0;
      this.sink.onFrame(message);
      if (this.stopped) return end;
    }
    return end;
  }

  private matchPing(b: number): void {
    const m = this.pingMatched;
    if (b === CR) {
      this.pingMatched = m === 0 || m === 2 ? m + 1 : 1;
      return;
    }
    if (m === 1 || m === 3) {
      if (m === 3) {
        this.pingMatched = 0;
        this.sink.onPing();
      } else {
        this.pingMatched = 2;
      }
      return;
    }
    this.pingMatched = 0; // a bare LF
  }
}
