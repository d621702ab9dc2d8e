import type { ConversionRule } from '../../core/numbers/conversion.ts';
import type { SettingLevelColumn } from '../../store/database.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import type { Principal } from '../auth/principal.ts';
import { loadGroupInScope } from '../groups/service.ts';
import { authorize, type Access } from '../policies.ts';
import { loadUserInScope } from '../users/service.ts';
import { presentConversionRules, type ConversionRulesView } from './presenter.ts';

/** Whose rules a request is about. */
export type ConversionTarget = { level: 'organization' } | { level: 'group'; groupId: string } | { level: 'user'; userId: string };

export interface ResolvedConversionTarget {
  access: Access;
  level: SettingLevelColumn;
  targetId: string;
}

/**
 * The tenant, capability and scope check of one level: the organization's and users' rules are
 * for organization admins; a group's also for the group admins whose scope holds the group (like
 * settings, a group outside the scope is not found).
 */
export async function resolveConversionTarget(repos: Repos, principal: Principal, orgId: string, target: ConversionTarget): Promise<ResolvedConversionTarget> {
  switch (target.level) {
    case 'organization': {
      const access = await authorize(repos, principal, orgId, 'number-conversion:manage');
      return { access, level: 'organization', targetId: orgId };
    }
    case 'group': {
      const access = await authorize(repos, principal, orgId, 'group-number-conversion:manage');
      await loadGroupInScope(repos, access, target.groupId);
      return { access, level: 'group', targetId: target.groupId };
    }
    case 'user': {
      const access = await authorize(repos, principal, orgId, 'number-conversion:manage');
      await loadUserInScope(repos, access, target.userId);
      return { access, level: 'user', targetId: target.userId };
    }
  }
}

async function storedRules(repos: Repos, t: ResolvedConversionTarget): Promise<ConversionRule[]> {
  return (await repos.numberConversion.list(t.access.orgId, t.level, t.targetId))[0]?.rules ?? [];
}

export async function readConversionRules(repos: Repos, t: ResolvedConversionTarget): Promise<ConversionRulesView> {
  return presentConversionRules(t.level, t.targetId, await storedRules(repos, t));
}

/** Replaces the target's list (validated by the schema) and audits the change, in the caller's transaction. */
export async function replaceConversionRules(repos: Repos, t: ResolvedConversionTarget, rules: readonly ConversionRule[]): Promise<ConversionRulesView> {
  const before = presentConversionRules(t.level, t.targetId, await storedRules(repos, t));
  await repos.numberConversion.setRules(t.access.orgId, t.level, t.targetId, rules);
  const after = presentConversionRules(t.level, t.targetId, await storedRules(repos, t));
  await audit(repos, t.access.principal, t.access.orgId, 'number_conversion.put', { type: 'number_conversion', id: `${t.level}/${t.targetId}` }, before, after);
  return after;
}
