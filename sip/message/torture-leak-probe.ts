/**
 * Run by torture.test.ts as `node --expose-gc --import tsx torture-leak-probe.ts ROUNDS` (vitest's
 * forks cannot expose gc): parses and validates every corpus file ROUNDS times and prints the heap
 * in use after a full gc before and after, as one JSON line.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRequestAsElement, isParseFailure, parseMessage, validateRequest, validateResponse } from './index.ts';

/** RFC 4475 and RFC 5118 Appendix A messages, byte-exact (see its README.md). */
const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'sip-torture');
const rounds = Number(process.argv[2] ?? '20000');
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const files = [
  ...readFileSync(join(CORPUS, 'index.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t')[0]!),
  ...readdirSync(join(CORPUS, 'variants')).map((f) => `variants/${f}`),
];
const buffers = files.map((f) => readFileSync(join(CORPUS, f)));
const element = {
  knownMethods: new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'UPDATE', 'PRACK', 'REFER', 'NOTIFY', 'SUBSCRIBE', 'MESSAGE']),
  supportedExtensions: new Set(['replaces', 'path', 'outbound', 'gruu', 'timer', '100rel', 'norefersub']),
  acceptedContentTypes: new Set(['application/sdp']),
};

let sink = 0;
function round(): void {
  for (const buf of buffers) {
    const m = parseMessage(buf);
    if (isParseFailure(m)) sink += m.status;
    else if (m.kind === 'response') sink += validateResponse(m)?.status ?? 1;
    else sink += validateRequest(m)?.status ?? checkRequestAsElement(m, element)?.status ?? 1;
  }
}

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

// Warm up first: JIT code and the header-name table settle during the first rounds.
for (let i = 0; i < 200; i++) round();
const heapBefore = heap();
for (let i = 0; i < rounds; i++) round();
const heapAfter = heap();
console.log(JSON.stringify({ rounds, files: files.length, heapBefore, heapAfter, sink: sink > 0 }));
