import type { ResolvedCredential } from '../../store/repos/auth-repo.ts';

/**
 * Resolved credentials by token hash, so a request does not pay a database round trip to learn
 * who it is. Only used while change notifications are live: any revocation, logout, password,
 * role or user change anywhere empties it (migration 0003), as does any write on this node.
 */
export class CredentialCache {
  private readonly entries = new Map<string, ResolvedCredential>();
  live = false;

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, now: number): ResolvedCredential | undefined {
    if (!this.live) return undefined;
    const hit = this.entries.get(key);
    if (hit?.expiresAt && hit.expiresAt.getTime() <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  set(key: string, cred: ResolvedCredential): void {
    if (!this.live) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, cred);
  }

  clear(): void {
    this.entries.clear();
  }
}
