import type { UserWithRelations } from '../../store/repos/users-repo.ts';

/** The public shape of a user; the password hash never leaves the store. */
export function presentUser(u: UserWithRelations) {
  return {
    id: u.id,
    username: u.username,
    firstName: u.first_name,
    lastName: u.last_name,
    language: u.language,
    license: u.license,
    callerId: u.caller_id,
    forwardNumber: u.forward_number,
    photoUrl: u.photo_url,
    role: u.role,
    allowedApps: u.allowed_apps,
    calendarSyncId: u.calendar_sync_id,
    externalId: u.external_id,
    siteId: u.site_id,
    directoryFields: u.directory_fields,
    hasPassword: u.password_hash !== null,
    lines: u.lines.map((l) => ({ slot: l.slot, number: l.number, lineType: l.line_type, aliasExtension: l.alias_extension })),
    groupIds: u.groupIds,
    status: {
      welcomeSentAt: u.welcome_sent_at,
      portalFirstUseAt: u.portal_first_use_at,
      mobileAppFirstUseAt: u.mobile_app_first_use_at,
      desktopAppFirstUseAt: u.desktop_app_first_use_at,
    },
    createdAt: u.created_at,
    updatedAt: u.updated_at,
  };
}

export type UserView = ReturnType<typeof presentUser>;
