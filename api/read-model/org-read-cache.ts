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

  constructor(
    private readonly store: Repos,
    private readonly maxEntries = 128,
  ) {}

  /** The read model `kind` of an organization, rebuilt with `build` when the data changed. */
  async get<T>(kind: string, orgId: string, build: () => Promise<T>): Promise<T> {
    const version = await this.store.snapshots.dataVersion(orgId);
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
}
