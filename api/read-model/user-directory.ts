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

const COLLATOR_LOCALE: Record<string, string> = { da: 'da', sv: 'sv', nb: 'nb', fr: 'fr', en: 'en' };

/** One organization's users, presented, searchable and sortable in memory. */
export class UserDirectory {
  private readonly views: UserView[];
  private readonly search: string[];
  private readonly groups: string[][];
  private readonly sorted = new Map<UserSort, number[]>();
  private readonly collator: Intl.Collator;
  private readonly index = new Map<string, number>();

  constructor(
    private readonly users: readonly UserWithRelations[],
    language: string,
  ) {
    this.views = users.map(presentUser);
    this.search = users.map((u) => u.search_text);
    this.groups = users.map((u) => u.groupIds);
    users.forEach((u, i) => this.index.set(u.id, i));
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

  /** A page of users matching the query, and how many match in all. */
  list(q: UserDirectoryQuery): { items: UserView[]; total: number } {
    const idx = this.order(q.sort ?? 'last_name');
    const needle = q.q?.trim().toLowerCase();
    const within = q.withinGroups;
    const match = (i: number): boolean => {
      if (needle && !this.search[i]!.includes(needle)) return false;
      const g = this.groups[i]!;
      if (q.groupId && !g.includes(q.groupId)) return false;
      if (within && !g.some((x) => within.has(x))) return false;
      return true;
    };
    const items: UserView[] = [];
    let total = 0;
    const desc = q.order === 'desc';
    const n = idx.length;
    for (let k = 0; k < n; k++) {
      const i = idx[desc ? n - 1 - k : k]!;
      if (!match(i)) continue;
      if (total >= q.offset && items.length < q.limit) items.push(this.views[i]!);
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
