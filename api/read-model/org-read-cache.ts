import type { Repos } from '../../store/store.ts';

interface Entry {
  version: number;
  value: Promise<unknown>;
}

/**
 * In-memory read models of whole organizations (the user directory, the settings layers), each
 * tagged with the organization's data version. A read first asks the store for the version (one
 * indexed row); a copy with another version is rebuilt. Writes never touch the cache: the
 * database bumps the version, so every node sees the change on its next read.
 */
export class OrgReadCache {
  private readonly entries = new Map<string, Entry>();
  /** Local change counters, kept by notifications while `live`; otherwise the database is asked. */
  private readonly localVersions = new Map<string, number>();
  live = false;

  constructor(
    private readonly store: Repos,
    private readonly maxEntries = 128,
  ) {}

  /** The read model `kind` of an organization, rebuilt with `build` when the data changed. */
  async get<T>(kind: string, orgId: string, build: () => Promise<T>): Promise<T> {
    const version = this.live ? (this.localVersions.get(orgId) ?? 0) : await this.store.snapshots.dataVersion(orgId);
    const key = `${kind}:${orgId}`;
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      // Refresh its place in the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = build();
    this.entries.set(key, { version, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  /** The organization's data changed (a notification, or a write on this node). */
  invalidate(orgId: string): void {
    this.localVersions.set(orgId, (this.localVersions.get(orgId) ?? 0) + 1);
  }

  /** Notifications may have been missed: nothing cached can be trusted. */
  invalidateAll(): void {
    this.entries.clear();
    for (const k of this.localVersions.keys()) this.invalidate(k);
  }

  /** Whether the organization exists; a positive answer is cached like any read model. */
  async orgExists(orgId: string): Promise<boolean> {
    const exists = await this.get('exists', orgId, async () => (await this.store.organizations.get(orgId)) !== undefined);
    if (!exists) this.entries.delete(`exists:${orgId}`);
    return exists;
  }
}
