import { describe, expect, it } from 'vitest';
import { CONTENT_LENGTH_CONFLICT, CONTENT_LENGTH_INVALID, CONTENT_LENGTH_MISSING, findContentLength } from './content-length.ts';
import { StreamFramer } from './stream-framer.ts';
import { sipMessage } from './test-support.ts';

function framer(max = 65535): { f: StreamFramer; frames: Buffer[]; pings: () => number } {
  const frames: Buffer[] = [];
  let pings = 0;
  const f = new StreamFramer(max, {
    onFrame: (m) => frames.push(Buffer.from(m)),
    onPing: () => pings++,
  });
  return { f, frames, pings: () => pings };
}

const headerBlock = (...headers: string[]): Buffer => Buffer.from(['INVITE sip:a@b SIP/2.0', ...headers, '', ''].join('\r\n'), 'latin1');
const clOf = (...headers: string[]): number => {
  const block = headerBlock(...headers);
  return findContentLength(block, 0, block.length - 2);
};

describe('findContentLength', () => {
  it('reads the long and the compact form, case-insensitively', () => {
    expect(clOf('Via: x', 'Content-Length: 12')).toBe(12);
    expect(clOf('CONTENT-length:7')).toBe(7);
    expect(clOf('l: 3')).toBe(3);
    expect(clOf('L   :   0  ')).toBe(0);
  });

  it('reads a value folded onto the next line', () => {
    expect(clOf('Content-Length:\r\n 42', 'To: x')).toBe(42);
  });

  it('ignores headers that only start like Content-Length', () => {
    expect(clOf('Location: x', 'Content-Lengthy: 9', 'l: 5')).toBe(5);
  });

  it('reports a missing header', () => {
    expect(clOf('Via: x', 'To: y')).toBe(CONTENT_LENGTH_MISSING);
  });

  it('rejects negative, empty and non-numeric values', () => {
    expect(clOf('Content-Length: -5')).toBe(CONTENT_LENGTH_INVALID);
    expect(clOf('Content-Length:')).toBe(CONTENT_LENGTH_INVALID);
    expect(clOf('Content-Length: 12abc')).toBe(CONTENT_LENGTH_INVALID);
    expect(clOf('Content-Length: 1 2')).toBe(CONTENT_LENGTH_INVALID);
  });

  it('accepts a repeated identical value and rejects different ones', () => {
    expect(clOf('Content-Length: 4', 'l: 4')).toBe(4);
    expect(clOf('Content-Length: 4', 'Content-Length: 5')).toBe(CONTENT_LENGTH_CONFLICT);
  });
});

describe('StreamFramer', () => {
  it('frames a message that arrives byte by byte', () => {
    const { f, frames } = framer();
    const msg = sipMessage('hello body');
    for (let i = 0; i < msg.length; i++) expect(f.push(msg.subarray(i, i + 1))).toBe(true);
    expect(frames).toEqual([msg]);
    expect(f.pending).toBe(false);
  });

  it('frames three messages from one chunk', () => {
    const { f, frames } = framer();
    const msgs = [sipMessage('a', { callId: '1' }), sipMessage('', { callId: '2' }), sipMessage('ccc', { callId: '3' })];
    f.push(Buffer.concat(msgs));
    expect(frames).toEqual(msgs);
  });

  it('frames by Content-Length when the body contains CRLFCRLF', () => {
    const { f, frames } = framer();
    const body = Buffer.from([0, 1, 13, 10, 13, 10, 255, 13, 10, 13, 10, 7]);
    const msgs = [sipMessage(body, { callId: 'bin' }), sipMessage('next', { callId: 'after' })];
    f.push(Buffer.concat(msgs));
    expect(frames).toEqual(msgs);
  });

  it('frames any split of a stream of messages identically', () => {
    const msgs = Array.from({ length: 20 }, (_, i) => sipMessage('x'.repeat(i * 7) + '\r\n\r\n', { callId: `c${i}` }));
    const stream = Buffer.concat(msgs.flatMap((m, i) => (i % 3 === 0 ? [Buffer.from('\r\n'), m] : [m])));
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const { f, frames } = framer();
      let ok = true;
      for (let pos = 0; pos < stream.length;) {
        const size = 1 + Math.floor(random() * 300);
        ok = f.push(stream.subarray(pos, pos + size)) && ok;
        pos += size;
      }
      expect(ok).toBe(true);
      // Strings compare far faster than vitest's element-wise Buffer equality.
      expect(frames.map((m) => m.toString('latin1'))).toEqual(msgs.map((m) => m.toString('latin1')));
    }
  });

  it('answers a CRLFCRLF ping without delivering it, also split across chunks', () => {
    const { f, frames, pings } = framer();
    f.push(Buffer.from('\r\n\r\n'));
    f.push(Buffer.from('\r\n'));
    f.push(Buffer.from('\r'));
    f.push(Buffer.from('\n'));
    expect(pings()).toBe(2);
    expect(frames).toEqual([]);
    expect(f.pending).toBe(false);
  });

  it('ignores a lone CRLF before a message', () => {
    const { f, frames, pings } = framer();
    const msg = sipMessage('b');
    f.push(Buffer.concat([Buffer.from('\r\n'), msg, Buffer.from('\r\n\r\n')]));
    expect(frames).toEqual([msg]);
    expect(pings()).toBe(1);
  });

  it('fails without Content-Length, with a negative one, and with conflicting ones', () => {
    const cases: Array<[Buffer, string]> = [
      [sipMessage('abc', { contentLength: null }), 'no Content-Length'],
      [sipMessage('abc', { contentLength: '-3' }), 'invalid Content-Length'],
      [sipMessage('abc', { extraHeaders: ['l: 4'] }), 'conflicting Content-Length'],
    ];
    for (const [msg, reason] of cases) {
      const { f, frames } = framer();
      expect(f.push(msg)).toBe(false);
      expect(f.error).toContain(reason);
      expect(frames).toEqual([]);
    }
  });

  it('fails on a declared body that would exceed maxMessageSize', () => {
    const { f } = framer(1000);
    expect(f.push(sipMessage('', { contentLength: '5000' }))).toBe(false);
    expect(f.error).toContain('exceeds 1000');
  });

  it('fails on a header block that grows past maxMessageSize without ending', () => {
    const { f } = framer(1000);
    expect(f.push(Buffer.from('INVITE sip:a@b SIP/2.0\r\n'))).toBe(true);
    let ok = true;
    for (let i = 0; i < 100 && ok; i++) ok = f.push(Buffer.from(`X-Filler: ${'y'.repeat(40)}\r\n`));
    expect(ok).toBe(false);
    expect(f.error).toContain('header block exceeds 1000');
  });

  it('reports an unfinished message as pending until its body is complete', () => {
    const { f, frames } = framer();
    const msg = sipMessage('0123456789');
    f.push(msg.subarray(0, msg.length - 4));
    expect(f.pending).toBe(true);
    f.push(msg.subarray(msg.length - 4));
    expect(f.pending).toBe(false);
    expect(frames).toEqual([msg]);
  });

  it('stops delivering when stopped from inside onFrame', () => {
    const frames: Buffer[] = [];
    const f: StreamFramer = new StreamFramer(65535, {
      onFrame: (m) => {
        frames.push(m);
        f.stop();
      },
      onPing: () => undefined,
    });
    f.push(Buffer.concat([sipMessage('1'), sipMessage('2')]));
    expect(frames).toHaveLength(1);
  });
});
