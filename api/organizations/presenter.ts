import type { Organization } from '../../store/database.ts';

/** The public shape of an organization. */
export function presentOrganization(o: Organization) {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    timeZone: o.time_zone,
    defaultLanguage: o.default_language,
    sipDomain: o.sip_domain,
    switchboardNumber: o.switchboard_number,
    showGroupNumbers: o.show_group_numbers,
    maxOutboundCalls: o.max_outbound_calls,
    directoryFields: o.directory_field_names.map((fieldName, i) => ({ field: i + 1, name: fieldName, searchable: i < 3 })),
    createdAt: o.created_at,
    updatedAt: o.updated_at,
  };
}
