import { sql } from 'kysely';
import type { ConversionRule } from '../../core/numbers/conversion.ts';
import type { SettingLevelColumn } from '../database.ts';
import type { Executor } from './executor.ts';

/** The rules of one target (the organization, a group or a user), in the order they are tried. */
export interface ConversionRuleSet {
  level: SettingLevelColumn;
  targetId: string;
  rules: ConversionRule[];
}

const LEVEL_ORDER: Record<SettingLevelColumn, number> = { organization: 0, group: 1, user: 2 };

/** Number conversion rules per organization, group and user (SPEC §3). */
export function numberConversionRepo(db: Executor) {
  return {
    /**
     * The organization's rule sets, one per target that has rules (organization, then groups, then
     * users; by target id within a level), narrowed to one level or one target when given.
     */
    async list(orgId: string, level?: SettingLevelColumn, targetId?: string): Promise<ConversionRuleSet[]> {
      let q = db.selectFrom('number_conversion_rules').select(['level', 'target_id', 'prefix', 'digits', 'ranges', 'rewrite']).where('org_id', '=', orgId);
      if (level !== undefined) q = q.where('level', '=', level);
      if (targetId !== undefined) q = q.where('target_id', '=', targetId);
      const rows = await q.orderBy('level').orderBy('target_id').orderBy('position').execute();
      const sets = new Map<string, ConversionRuleSet>();
      for (const r of rows) {
        const key = `${r.level}/${r.target_id}`;
        let set = sets.get(key);
        if (!set) sets.set(key, (set = { level: r.level, targetId: r.target_id, rules: [] }));
        set.rules.push({ prefix: r.prefix, digits: r.digits, ranges: r.ranges, rewrite: r.rewrite });
      }
      return [...sets.values()].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
    },

    /** Replaces the target's rules by `rules`, in that order, atomically; an empty list removes them. */
    async setRules(orgId: string, level: SettingLevelColumn, targetId: string, rules: readonly ConversionRule[]): Promise<void> {
      const replace = async (tx: Executor) => {
        // Two replacements of one list would otherwise both delete, then collide inserting.
        await sql`select pg_advisory_xact_lock(hashtextextended(${`number_conversion_rules/${orgId}/${level}/${targetId}`}, 0))`.execute(tx);
        await tx.deleteFrom('number_conversion_rules').where('org_id', '=', orgId).where('level', '=', level).where('target_id', '=', targetId).execute();
        if (rules.length === 0) return;
        await tx
          .insertInto('number_conversion_rules')
          .values(
            rules.map((r, position) => ({
              org_id: orgId,
              level,
              target_id: targetId,
              position,
              prefix: r.prefix,
              digits: r.digits,
              ranges: JSON.stringify(r.ranges.map(({ from, to }) => ({ from, to }))),
              rewrite: r.rewrite,
            })),
          )
          .execute();
      };
      if (db.isTransaction) await replace(db);
      else await db.transaction().execute(replace);
    },
  };
}
