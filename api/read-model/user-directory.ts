import type { UserWithRelations } from '../../store/repos/users-repo.ts';
import type { Repos } from '../../store/store.ts';
import { presentUser, type UserView } from '../users/presenter.ts';
import type { OrgReadCache } from './org-read-cache.ts';

export type UserSort = 'username' | 'first_name' | 'last_name' | 'role' | 'created_at';

export interface UserDirectoryQuery {
  limit: number;
  offset: number;
  sort?: UserSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  q?: string | undefined;
  groupId?: string | undefined;
  withinGroups?: ReadonlySet<string> | undefined;
}

const USER_SEPARATOR = '\u0002';
// Below this a plain scan is as fast as building the trigram index.
const TRIGRAM_MIN_USERS = 2000;

const COLLATOR_LOCALE: Record<string, string> = { da: 'da', sv: 'sv', nb: 'nb', fr: 'fr', en: 'en' };

/** One organization's users, presented, searchable and sortable in memory. */
export class UserDirectory {
  private readonly views: UserView[];
  private readonly search: string[];
  private readonly groups: string[][];
  private readonly sorted = new Map<UserSort, number[]>();
  private readonly ranks = new Map<UserSort, Int32Array>();
  private gramIndex: Map<string, number[]> | undefined;
  private readonly collator: Intl.Collator;
  private readonly index = new Map<string, number>();
  private readonly json: string[];
  // Every user's search text in one string: one indexOf pass finds all matches of a query.
  private readonly haystack: string;
  private readonly starts: Int32Array;

  constructor(
    private readonly users: readonly UserWithRelations[],
    language: string,
  ) {
    this.views = users.map(presentUser);
    this.search = users.map((u) => u.search_text);
    this.groups = users.map((u) => u.groupIds);
    users.forEach((u, i) => this.index.set(u.id, i));
    this.json = this.views.map((v) => JSON.stringify(v));
    this.starts = new Int32Array(users.length + 1);
    let at = 0;
    this.search.forEach((text, i) => {
      this.starts[i] = at;
      at += text.length + 1;
    });
    this.starts[users.length] = at;
    this.haystack = this.search.join(USER_SEPARATOR) + USER_SEPARATOR;
    // Names sort the way the organization's language does: æ, ø, å after z in Danish.
    this.collator = new Intl.Collator(COLLATOR_LOCALE[language] ?? 'en', { sensitivity: 'base', numeric: true });
  }

  private order(sort: UserSort): number[] {
    let idx = this.sorted.get(sort);
    if (idx) return idx;
    const u = this.users;
    const c = this.collator;
    const byId = (a: number, b: number) => (u[a]!.id < u[b]!.id ? -1 : u[a]!.id > u[b]!.id ? 1 : 0);
    const cmp: (a: number, b: number) => number =
      sort === 'created_at'
        ? (a, b) => u[a]!.created_at.getTime() - u[b]!.created_at.getTime() || byId(a, b)
        : sort === 'last_name'
          ? (a, b) => c.compare(u[a]!.last_name, u[b]!.last_name) || c.compare(u[a]!.first_name, u[b]!.first_name) || byId(a, b)
          : (a, b) => c.compare(u[a]![sort], u[b]![sort]) || byId(a, b);
    idx = u.map((_, i) => i).sort(cmp);
    this.sorted.set(sort, idx);
    return idx;
  }

  /** One user by id, with lines and memberships. */
  get(id: string): UserWithRelations | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.users[i];
  }

  /** The users whose search text contains the needle. */
  private matching(needle: string): number[] {
    if (needle.length >= 3 && this.users.length >= TRIGRAM_MIN_USERS) {
      // Candidates from the needle's rarest trigram, confirmed one by one.
      const grams = this.trigrams();
      let best: number[] | undefined;
      for (let p = 0; p + 3 <= needle.length; p++) {
        const list = grams.get(needle.slice(p, p + 3));
        if (!list) return [];
        if (!best || list.length < best.length) best = list;
      }
      return (best ?? []).filter((i) => this.search[i]!.includes(needle));
    }
    return this.scan(needle);
  }

  /** One indexOf pass over the joined text of every user. */
  private scan(needle: string): number[] {
    const hits: number[] = [];
    const starts = this.starts;
    let pos = this.haystack.indexOf(needle);
    let lo = 0;
    while (pos !== -1) {
      // Hits come in increasing position, so the search for the owner starts at the last one.
      let hi = this.users.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= pos) lo = mid;
        else hi = mid - 1;
      }
      hits.push(lo);
      pos = this.haystack.indexOf(needle, starts[lo + 1]);
    }
    return hits;
  }

  /** Trigram → users containing it (each user once), built on the first search of a large directory. */
  private trigrams(): Map<string, number[]> {
    if (this.gramIndex) return this.gramIndex;
    const index = new Map<string, number[]>();
    this.search.forEach((text, i) => {
      for (let p = 0; p + 3 <= text.length; p++) {
        const g = text.slice(p, p + 3);
        const list = index.get(g);
        if (!list) index.set(g, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.gramIndex = index;
    return index;
  }

  private rankOf(sort: UserSort): Int32Array {
    let rank = this.ranks.get(sort);
    if (!rank) {
      rank = new Int32Array(this.users.length);
      this.order(sort).forEach((i, r) => (rank![i] = r));
      this.ranks.set(sort, rank);
    }
    return rank;
  }

  /** A page of users matching the query as JSON text (pre-serialized), and how many match in all. */
  listJson(q: UserDirectoryQuery): { items: string[]; total: number } {
    return this.select(q, this.json);
  }

  /** A page of users matching the query, and how many match in all. */
  list(q: UserDirectoryQuery): { items: UserView[]; total: number } {
    return this.select(q, this.views);
  }

  private select<T>(q: UserDirectoryQuery, out: readonly T[]): { items: T[]; total: number } {
    const sort = q.sort ?? 'last_name';
    // Separators and other control characters never occur inside a field.
    const needle = q.q
      ?.replace(/[\u0000-\u001f]/g, '')
      .trim()
      .toLowerCase();
    let idx: readonly number[];
    if (needle) {
      // Only the matches are ordered, not the whole organization.
      const rank = this.rankOf(sort);
      idx = this.matching(needle).sort((a, b) => rank[a]! - rank[b]!);
    } else {
      idx = this.order(sort);
    }
    const within = q.withinGroups;
    if (!needle && !q.groupId && !within) {
      // The whole organization: the page is a slice of the sorted order.
      const n = idx.length;
      const items: T[] = [];
      for (let k = q.offset; k < Math.min(n, q.offset + q.limit); k++) items.push(out[idx[q.order === 'desc' ? n - 1 - k : k]!]!);
      return { items, total: n };
    }
    const match = (i: number): boolean => {
      const g = this.groups[i]!;
      if (q.groupId && !g.includes(q.groupId)) return false;
      if (within && !g.some((x) => within.has(x))) return false;
      return true;
    };
    const items: T[] = [];
    let total = 0;
    const desc = q.order === 'desc';
    const n = idx.length;
    for (let k = 0; k < n; k++) {
      const i = idx[desc ? n - 1 - k : k]!;
      if (!match(i)) continue;
      if (total >= q.offset && items.length < q.limit) items.push(out[i]!);
      total++;
    }
    return { items, total };
  }
}

/** The organization's user directory from the read cache. */
export function userDirectory(cache: OrgReadCache, store: Repos, orgId: string): Promise<UserDirectory> {
  return cache.get('users', orgId, async () => {
    const [users, org] = await Promise.all([store.snapshots.loadUsers(orgId), store.organizations.get(orgId)]);
    return new UserDirectory(users, org?.default_language ?? 'en');
  });
}
