import type { SipRequest } from '../message/types.ts';
import { parseAuthHeader, parseUri } from '../message/parsers.ts';
import { buildChallenge, digestUriAcceptable, parseDigestCredentials, verifyDigest, type DigestAlgorithm, type NonceManager } from '../auth/digest.ts';
import type { SipGuard } from '../security/guard.ts';
import type { SipAccount, SipOrg } from '../directory.ts';

export type AuthOutcome =
  | { ok: true; account: SipAccount }
  /** Answer 401/407 with these challenge values (one header field each). */
  | { ok: false; challenges: string[]; failure: string | null };

export interface AuthenticatorOptions {
  nonces: NonceManager;
  guard: SipGuard | null;
  /** Preference order of the challenges we send (RFC 8760 §2.4: strongest first). */
  algorithms: DigestAlgorithm[];
  /** Our own host:port strings, for the digest-uri policy (see sip/auth/README.md). */
  localHostPorts: () => readonly string[];
}

/**
 * Digest authentication of a request against the organization's device accounts. Unknown
 * account, disabled device and wrong password give the same challenge (no enumeration); only
 * the security log tells them apart.
 */
export class Authenticator {
  constructor(private readonly opts: AuthenticatorOptions) {}

  authenticate(req: SipRequest, org: SipOrg, header: 'authorization' | 'proxy-authorization', source: string): AuthOutcome {
    let stale = false;
    let failure: string | null = null;
    let account: SipAccount | undefined;
    for (const h of req.headers) {
      if (h.key !== header) continue;
      const auth = parseAuthHeader(h.value);
      if (!auth) {
        failure = 'unreadable credentials';
        continue;
      }
      const cred = parseDigestCredentials(auth);
      if ('error' in cred) {
        failure = cred.error;
        continue;
      }
      if (cred.realm.toLowerCase() !== org.domain) continue; // credentials for another realm (a proxy on the way): not ours
      account = org.accounts.get(cred.username.toLowerCase());
      if (!account || !account.enabled) {
        failure = account ? 'device disabled' : 'unknown account';
        account = undefined;
        break;
      }
      // The password first: only a client that knows it may learn that its nonce is stale
      // (RFC 7616 §3.3), and a wrong guess must not use up a nonce count.
      const ha1 = cred.algorithm === 'SHA-256' ? account.ha1Sha256 : account.ha1Md5;
      if (!verifyDigest({ auth, method: req.method, ha1 })) {
        failure = 'wrong password';
        account = undefined;
        break;
      }
      const nonce = this.opts.nonces.check(cred.nonce, cred.nc);
      if (nonce === 'stale') {
        stale = true;
        continue;
      }
      if (nonce !== 'ok') {
        failure = nonce === 'replay' ? 'nonce replayed' : 'invalid nonce';
        break;
      }
      if (!digestUriAcceptable(cred.uri, req.uri, this.opts.localHostPorts())) {
        failure = 'digest uri does not match the request';
        break;
      }
      this.opts.guard?.authSucceeded(source);
      return { ok: true, account };
    }
    if (failure) {
      const user = usernameFrom(req, header);
      this.opts.guard?.authFailed(source, `${user}@${org.domain}`, org.id === '' ? null : org.id, failure);
    }
    return { ok: false, challenges: this.challenges(org.domain, stale), failure };
  }

  challenges(realm: string, stale = false): string[] {
    const nonce = this.opts.nonces.issue();
    return this.opts.algorithms.map((algorithm) => buildChallenge({ realm, nonce, algorithm, stale }));
  }
}

function usernameFrom(req: SipRequest, header: string): string {
  for (const h of req.headers) {
    if (h.key !== header) continue;
    const u = parseAuthHeader(h.value)?.params.get('username');
    if (u) return u;
  }
  const from = req.headers.find((h) => h.key === 'from');
  const m = from ? /<([^>]*)>/.exec(from.value) : null;
  return (m ? parseUri(m[1]!)?.user : null) ?? '?';
}
