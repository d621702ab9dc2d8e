import type { GroupSettings, SettingEntry, SettingsInput } from '../../core/settings/resolve.ts';
import type { SettingValue } from '../../core/settings/catalogue.ts';
import type { Repos } from '../../store/store.ts';
import type { OrgReadCache } from './org-read-cache.ts';

/** Every settings layer of one organization, indexed so one user's input is a few map lookups. */
export class SettingsLayers {
  private readonly organization: SettingEntry[] = [];
  private readonly byGroup = new Map<string, GroupSettings>();
  private readonly byUser = new Map<string, SettingEntry[]>();
  private readonly groupsOfUser = new Map<string, string[]>();

  constructor(snapshot: Awaited<ReturnType<Repos['snapshots']['loadSettings']>>) {
    for (const g of snapshot.groups) this.byGroup.set(g.id, { groupId: g.id, groupName: g.name, priority: g.priority, entries: [] });
    for (const r of snapshot.rows) {
      const entry: SettingEntry = { key: r.key, value: r.value as SettingValue };
      if (r.level === 'organization') this.organization.push(entry);
      else if (r.level === 'group') (this.byGroup.get(r.target_id)?.entries as SettingEntry[] | undefined)?.push(entry);
      else {
        const list = this.byUser.get(r.target_id);
        if (list) list.push(entry);
        else this.byUser.set(r.target_id, [entry]);
      }
    }
    for (const m of snapshot.memberships) {
      const list = this.groupsOfUser.get(m.user_id);
      if (list) list.push(m.group_id);
      else this.groupsOfUser.set(m.user_id, [m.group_id]);
    }
  }

  /** The resolver's input for one user. */
  inputFor(userId: string): SettingsInput {
    const groups: GroupSettings[] = [];
    for (const gid of this.groupsOfUser.get(userId) ?? []) {
      const g = this.byGroup.get(gid);
      if (g) groups.push(g);
    }
    return { organization: this.organization, groups, user: this.byUser.get(userId) ?? [] };
  }
}

/** The organization's settings layers from the read cache. */
export function settingsLayers(cache: OrgReadCache, store: Repos, orgId: string): Promise<SettingsLayers> {
  return cache.get('settings', orgId, async () => new SettingsLayers(await store.snapshots.loadSettings(orgId)));
}
