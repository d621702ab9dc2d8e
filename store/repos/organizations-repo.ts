import { sql } from 'kysely';
import type { NewOrganization, Organization } from '../database.ts';
import { likePattern, sortColumn, type Executor, type ListQuery, type Page, pageOf } from './executor.ts';

export interface OrganizationInput {
  name: string;
  slug: string;
  timeZone: string;
  defaultLanguage: string;
  sipDomain: string;
  switchboardNumber?: string | null | undefined;
  showGroupNumbers?: boolean | undefined;
  directoryFieldNames?: string[] | undefined;
  /** Concurrent outbound trunk calls; 0 = none. */
  maxOutboundCalls?: number | undefined;
}

const SORTS = { name: 'name', slug: 'slug', created_at: 'created_at' } as const;

/**
 * Organizations are the tenants. Listing them is a provider operation; everything else takes the
 * organization id, like every other repository.
 */
export function organizationsRepo(db: Executor) {
  return {
    async listForProvider(query: ListQuery): Promise<Page<Organization>> {
      let base = db.selectFrom('organizations');
      if (query.q) {
        const p = likePattern(query.q);
        base = base.where((eb) => eb.or([eb(sql`lower(name)`, 'like', p), eb(sql`lower(slug)`, 'like', p), eb(sql`lower(sip_domain)`, 'like', p)]));
      }
      const col = sortColumn(query.sort, SORTS, 'name');
      return pageOf(
        base,
        (qb) =>
          qb
            .selectAll()
            .orderBy(col, query.order ?? 'asc')
            .orderBy('id'),
        query,
      );
    },

    async get(orgId: string): Promise<Organization | undefined> {
      return db.selectFrom('organizations').selectAll().where('id', '=', orgId).executeTakeFirst();
    },

    async create(input: OrganizationInput): Promise<Organization> {
      const row: NewOrganization = {
        name: input.name,
        slug: input.slug,
        time_zone: input.timeZone,
        default_language: input.defaultLanguage,
        sip_domain: input.sipDomain.toLowerCase(),
        switchboard_number: input.switchboardNumber ?? null,
        show_group_numbers: input.showGroupNumbers ?? false,
        directory_field_names: JSON.stringify(input.directoryFieldNames ?? ['Field 1', 'Field 2', 'Field 3', 'Field 4', 'Field 5', 'Field 6']),
        ...(input.maxOutboundCalls !== undefined && { max_outbound_calls: input.maxOutboundCalls }),
      };
      return db.insertInto('organizations').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async update(orgId: string, patch: Partial<OrganizationInput>): Promise<Organization | undefined> {
      return db
        .updateTable('organizations')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.slug !== undefined && { slug: patch.slug }),
          ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
          ...(patch.defaultLanguage !== undefined && { default_language: patch.defaultLanguage }),
          ...(patch.sipDomain !== undefined && { sip_domain: patch.sipDomain.toLowerCase() }),
          ...(patch.switchboardNumber !== undefined && { switchboard_number: patch.switchboardNumber }),
          ...(patch.showGroupNumbers !== undefined && { show_group_numbers: patch.showGroupNumbers }),
          ...(patch.directoryFieldNames !== undefined && { directory_field_names: JSON.stringify(patch.directoryFieldNames) }),
          ...(patch.maxOutboundCalls !== undefined && { max_outbound_calls: patch.maxOutboundCalls }),
          updated_at: sql`now()`,
        })
        .where('id', '=', orgId)
        .returningAll()
        .executeTakeFirst();
    },

    async delete(orgId: string): Promise<boolean> {
      const res = await db.deleteFrom('organizations').where('id', '=', orgId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type OrganizationsRepo = ReturnType<typeof organizationsRepo>;
