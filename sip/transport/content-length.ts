const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const LONG_NAME = Buffer.from('content-length', 'latin1');

export const CONTENT_LENGTH_MISSING = -1;
export const CONTENT_LENGTH_INVALID = -2;
export const CONTENT_LENGTH_CONFLICT = -3;
/** Stands for any value too big to ever fit a message; the caller's size limit rejects it. */
export const CONTENT_LENGTH_HUGE = 2 ** 31;

const isWsp = (b: number | undefined): boolean => b === SP || b === HT;

/** Offset just past the header name and its colon when the line at `p` is Content-Length or 'l', else -1. */
function valueStart(data: Buffer, p: number, end: number): number {
  let k: number;
  const first = (data[p] ?? 0) | 0x20;
  if (first === 0x6c) {
    k = p + 1; // compact form 'l'
  } else if (first === 0x63 && p + LONG_NAME.length <= end) {
    for (let i = 1; i < LONG_NAME.length; i++) {
      const b = data[p + i] ?? 0;
      const want = LONG_NAME[i];
      // Case folding by OR 0x20 is only sound for letters; '-' is compared as is.
      if (want === 0x2d ? b !== want : (b | 0x20) !== want) return -1;
    }
    k = p + LONG_NAME.length;
  } else {
    return -1;
  }
  while (k < end && isWsp(data[k])) k++;
  return k < end && data[k] === COLON ? k + 1 : -1;
}

/** Parses the value at `k` (after the colon) up to the end of the (possibly folded) header line. */
function parseValue(data: Buffer, k: number, end: number): number {
  // Leading LWS, folding included: "Content-Length:\r\n 12".
  for (;;) {
    const b = data[k];
    if (isWsp(b) || b === CR) k++;
    else if (b === LF && k + 1 < end && isWsp(data[k + 1])) k++;
    else break;
  }
  let value = 0;
  let digits = 0;
  for (; k < end; k++) {
    const b = data[k] ?? 0;
    if (b < 0x30 || b > 0x39) break;
    if (value < CONTENT_LENGTH_HUGE) value = value * 10 + (b - 0x30);
    digits++;
  }
  if (digits === 0) return CONTENT_LENGTH_INVALID;
  for (; k < end; k++) {
    const b = data[k];
    if (isWsp(b) || b === CR) continue;
    if (b === LF) {
      if (k + 1 < end && isWsp(data[k + 1])) continue;
      break;
    }
    return CONTENT_LENGTH_INVALID;
  }
  return Math.min(value, CONTENT_LENGTH_HUGE);
}

/**
 * The Content-Length of the header block `data[start, end)` (start-line included, final empty line
 * excluded), read straight from the bytes so framing costs no string per message. Returns a length
 * or one of the negative CONTENT_LENGTH_* codes. The same value repeated is tolerated; different
 * values are not, since the two readings would frame the stream differently (request smuggling).
 */
export function findContentLength(data: Buffer, start: number, end: number): number {
  let found: number = CONTENT_LENGTH_MISSING;
  let p = data.indexOf(LF, start) + 1; // skip the start-line
  while (p > 0 && p < end) {
    const lineEnd = data.indexOf(LF, p);
    const next = lineEnd < 0 || lineEnd >= end ? end : lineEnd + 1;
    if (!isWsp(data[p])) {
      const k = valueStart(data, p, next);
      if (k >= 0) {
        const value = parseValue(data, k, end);
        if (value < 0) return value;
        if (found >= 0 && found !== value) return CONTENT_LENGTH_CONFLICT;
        found = value;
      }
    }
    p = next;
  }
  return found;
}
