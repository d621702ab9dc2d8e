import { hash, randomBytes } from 'node:crypto';
import { NonceManager, computeHa1, verifyDigest } from '../sip/auth/digest.ts';
import type { DigestAlgorithm } from '../sip/auth/digest.ts';
import type { AuthHeader } from '../sip/message/types.ts';
import { SipGuard } from '../sip/security/guard.ts';

// ns/op of the per-REGISTER work: nonce issue and check, digest verification (MD5, SHA-256), guard.admit.
// Run: npx tsx bench/sip-auth-bench.ts

const clock = { now: () => Date.now() };
let sink = 0;

function measure(name: string, ops: number, op: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(ops, 50_000); i++) sink += op(i) ? 1 : 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) sink += op(i) ? 1 : 0;
  const ns = Number(process.hrtime.bigint() - start) / ops;
  console.log(`${name.padEnd(34)} ${ns.toFixed(0).padStart(6)} ns/op`);
  return Math.round(ns);
}

const OPS = 200_000;
const nonces = new NonceManager({ secret: randomBytes(32), clock });
const issueNs = measure('nonce issue', OPS, () => nonces.issue());
const fresh = Array.from({ length: OPS }, () => nonces.issue());
const checkNs = measure('nonce check (first use)', OPS, (i) => nonces.check(fresh[i]!, 1) === 'ok');
const reused = nonces.issue();
const checkTrackedNs = measure('nonce check (nc increments)', OPS, (i) => nonces.check(reused, i + 1) === 'ok');

const hashName: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

function registerAuth(algorithm: DigestAlgorithm, ha1: string, nonce: string): AuthHeader {
  const h = (s: string) => hash(hashName[algorithm], s, 'hex');
  const uri = 'sip:acme.example';
  const response = h(`${ha1}:${nonce}:00000001:0a4f113b:auth:${h(`REGISTER:${uri}`)}`);
  const params = { username: '1001', realm: 'acme.example', nonce, uri, response, algorithm, qop: 'auth', nc: '00000001', cnonce: '0a4f113b' };
  return { scheme: 'Digest', params: new Map(Object.entries(params)) };
}

const verify: Record<string, number> = {};
const cycle: Record<string, number> = {};
for (const algorithm of ['MD5', 'SHA-256'] as const) {
  const ha1 = computeHa1(algorithm, '1001', 'acme.example', 'correct horse battery staple');
  const auth = registerAuth(algorithm, ha1, nonces.issue());
  verify[algorithm] = measure(`verifyDigest ${algorithm}`, OPS, () => verifyDigest({ auth, method: 'REGISTER', ha1 }));
  // What one REGISTER costs the registrar: a nonce for the 401, then verify and check the answer.
  const prepared = Array.from({ length: OPS / 4 }, () => registerAuth(algorithm, ha1, nonces.issue()));
  cycle[algorithm] = measure(`issue+verify+check ${algorithm}`, OPS / 4, (i) => {
    nonces.issue();
    const a = prepared[i]!;
    return verifyDigest({ auth: a, method: 'REGISTER', ha1 }) && nonces.check(a.params.get('nonce')!, 1) === 'ok';
  });
}

// A 1 ms window: the addresses are counted as usual but never reach the limit.
const guard = new SipGuard({ clock, log: () => {}, floodWindowMs: 1 });
const addresses = Array.from({ length: 1024 }, (_, i) => `198.51.${i >> 8}.${i & 255}`);
for (const a of addresses.slice(0, 512)) guard.authSucceeded(a);
const admitNs = measure('guard.admit (1024 addresses)', 1_000_000, (i) => guard.admit(addresses[i & 1023]!, 'Yealink SIP-T46U 66.86.0.15') === 'ok');
const newAddressNs = measure(
  'guard.admit (new address each)',
  OPS,
  (i) => guard.admit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, undefined) === 'ok',
);

console.log(
  JSON.stringify({
    bench: 'sip-auth',
    nonce_issue_ns: issueNs,
    nonce_check_ns: checkNs,
    nonce_check_tracked_ns: checkTrackedNs,
    verify_md5_ns: verify.MD5,
    verify_sha256_ns: verify['SHA-256'],
    register_cycle_md5_ns: cycle.MD5,
    register_cycle_sha256_ns: cycle['SHA-256'],
    guard_admit_ns: admitNs,
    guard_admit_new_address_ns: newAddressNs,
    sink: sink > 0 ? 'ok' : 'none',
  }),
);
