/** Header names: compact forms (RFC 3261 §7.3.3 and the extensions that define one) and canonical spelling. */

const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  u: 'allow-events',
  x: 'session-expires',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
  y: 'identity',
  n: 'identity-info',
};

const CANONICAL: Record<string, string> = {
  'accept-contact': 'Accept-Contact',
  'alert-info': 'Alert-Info',
  'allow-events': 'Allow-Events',
  'authentication-info': 'Authentication-Info',
  'call-id': 'Call-ID',
  'call-info': 'Call-Info',
  'content-disposition': 'Content-Disposition',
  'content-encoding': 'Content-Encoding',
  'content-language': 'Content-Language',
  'content-length': 'Content-Length',
  'content-type': 'Content-Type',
  cseq: 'CSeq',
  'error-info': 'Error-Info',
  'identity-info': 'Identity-Info',
  'in-reply-to': 'In-Reply-To',
  'max-forwards': 'Max-Forwards',
  'mime-version': 'MIME-Version',
  'min-expires': 'Min-Expires',
  'min-se': 'Min-SE',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
  'proxy-authenticate': 'Proxy-Authenticate',
  'proxy-authorization': 'Proxy-Authorization',
  'proxy-require': 'Proxy-Require',
  rack: 'RAck',
  'record-route': 'Record-Route',
  'refer-to': 'Refer-To',
  'referred-by': 'Referred-By',
  'reject-contact': 'Reject-Contact',
  'reply-to': 'Reply-To',
  'request-disposition': 'Request-Disposition',
  'retry-after': 'Retry-After',
  rseq: 'RSeq',
  'session-expires': 'Session-Expires',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'subscription-state': 'Subscription-State',
  'user-agent': 'User-Agent',
  'www-authenticate': 'WWW-Authenticate',
};

const COMMON = [
  'accept',
  'accept-encoding',
  'accept-language',
  'allow',
  'authorization',
  'contact',
  'date',
  'diversion',
  'event',
  'expires',
  'from',
  'history-info',
  'organization',
  'path',
  'priority',
  'privacy',
  'reason',
  'record-route',
  'require',
  'route',
  'server',
  'service-route',
  'subject',
  'supported',
  'timestamp',
  'to',
  'unsupported',
  'via',
  'warning',
];

// Header names are looked up in an open-addressing table keyed by a case-insensitive hash of the
// name's chars in the message text itself: it skips slicing, lowercasing and a Map's own string
// hashing for every header of every message. Names not known in advance are learned up to a cap,
// so a peer inventing a new name per message cannot grow it.
const SLOTS = 2048;
const LEARN_MAX = 1024;
const slotLower: Array<string | undefined> = new Array<string | undefined>(SLOTS);
const slotKey: Array<string | undefined> = new Array<string | undefined>(SLOTS);
let learned = 0;

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function hashRange(s: string, start: number, end: number): number {
  let h = 5381;
  for (let i = start; i < end; i++) h = (Math.imul(h, 33) + lowerCode(s.charCodeAt(i))) | 0;
  return h & (SLOTS - 1);
}

function insert(lower: string, key: string): void {
  let i = hashRange(lower, 0, lower.length);
  while (slotLower[i] !== undefined) {
    if (slotLower[i] === lower) return;
    i = (i + 1) & (SLOTS - 1);
  }
  slotLower[i] = lower;
  slotKey[i] = key;
}

for (const [c, long] of Object.entries(COMPACT)) insert(c, long);
for (const k of Object.keys(CANONICAL)) insert(k, k);
for (const k of COMMON) insert(k, k);

// Fast path for the spellings that make up nearly all traffic: canonical ('Content-Length'),
// lowercase and compact names, bucketed by length and first letter and compared exactly.
const MAX_KNOWN = 40;
// Filled up front so the array stays in fast (non-dictionary) element mode.
const BUCKETS: Array<string[] | null> = new Array<string[] | null>((MAX_KNOWN + 1) * 128).fill(null);
function addSpelling(spelling: string, key: string): void {
  if (spelling.length > MAX_KNOWN) return;
  const id = spelling.length * 128 + ((spelling.charCodeAt(0) & 127) | 32);
  const bucket = (BUCKETS[id] ??= []);
  if (!bucket.includes(spelling)) bucket.push(spelling, key);
}
for (const [c, long] of Object.entries(COMPACT)) {
  addSpelling(c, long);
  addSpelling(c.toUpperCase(), long);
}
for (const k of [...Object.keys(CANONICAL), ...COMMON]) {
  addSpelling(k, k);
  addSpelling(CANONICAL[k] ?? k.replace(/(^|-)[a-z]/g, (m) => m.toUpperCase()), k);
}

/**
 * The key of a name spelled exactly as we know it, or undefined. Known spellings are valid
 * tokens, so a hit also spares the caller its token check.
 */
export function knownKey(name: string): string | undefined {
  const len = name.length;
  if (len > MAX_KNOWN || len === 0) return undefined;
  const bucket = BUCKETS[len * 128 + ((name.charCodeAt(0) & 127) | 32)];
  if (bucket === null || bucket === undefined) return undefined;
  for (let i = 0; i < bucket.length; i += 2) if (bucket[i] === name) return bucket[i + 1];
  return undefined;
}

/** headerKey of the name s[start, end) in any case, without slicing it out when it is known. */
export function headerKeyAt(s: string, start: number, end: number): string {
  const len = end - start;
  let i = hashRange(s, start, end);
  for (;;) {
    const lower = slotLower[i];
    if (lower === undefined) break;
    if (lower.length === len) {
      let j = 0;
      while (j < len && lowerCode(s.charCodeAt(start + j)) === lower.charCodeAt(j)) j++;
      if (j === len) return slotKey[i]!;
    }
    i = (i + 1) & (SLOTS - 1);
  }
  const key = s.slice(start, end).toLowerCase();
  if (learned < LEARN_MAX) {
    learned++;
    // A slice can share memory with the whole datagram; the table keeps a copy of its own.
    const own = Buffer.from(key, 'latin1').toString('latin1');
    insert(own, own);
  }
  return key;
}

/** The lowercase long form of a header name: 'v' → 'via', 'Call-ID' → 'call-id'. */
export function headerKey(name: string): string {
  return knownKey(name) ?? headerKeyAt(name, 0, name.length);
}

const SPELLING_BY_KEY = new Map<string, string>();
for (const k of COMMON)
  SPELLING_BY_KEY.set(
    k,
    k.replace(/(^|-)[a-z]/g, (m) => m.toUpperCase()),
  );
for (const [k, v] of Object.entries(CANONICAL)) SPELLING_BY_KEY.set(k, v);

/**
 * The spelling to put on the wire for a header a program creates: known headers get their RFC
 * spelling in whatever case they were asked for ('call-id' → 'Call-ID', 'www-authenticate' →
 * 'WWW-Authenticate'); a one-letter compact name and unknown names are kept as given.
 */
export function canonicalName(name: string): string {
  if (name.length === 1) return name;
  const key = knownKey(name) ?? name.toLowerCase();
  return SPELLING_BY_KEY.get(key) ?? name;
}
