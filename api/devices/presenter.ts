import type { DeviceRow, UserRow } from '../../store/database.ts';

export type DeskPhoneState = 'user_assigned' | 'not_provisioned' | 'hot_desk_occupied' | 'hot_desk_free';

/** SPEC §5 phone-list state: a hot-desk phone is occupied while a user is logged in on line key 1. */
export function deskPhoneState(d: Pick<DeviceRow, 'hot_desk' | 'user_id'>): DeskPhoneState {
  if (d.hot_desk) return d.user_id ? 'hot_desk_occupied' : 'hot_desk_free';
  return d.user_id ? 'user_assigned' : 'not_provisioned';
}

export type DeviceOwner = Pick<UserRow, 'id' | 'username' | 'first_name' | 'last_name'>;

/** Smartphone-client invitation state: not invited / invited at T / in use since T. */
export function presentInvitation(d: Pick<DeviceRow, 'invitation_state' | 'invited_at' | 'in_use_since'>) {
  return { state: d.invitation_state, invitedAt: d.invited_at, inUseSince: d.in_use_since };
}

/** A device's SIP account, if it has one; the password is write-only (only its digests are stored). */
function sipCredentials(d: DeviceRow) {
  return { sipUsername: d.sip_username, hasPassword: d.sip_ha1_md5 !== null };
}

/** The public shape of a device; the SIP password is write-only and never leaves the store. */
export function presentDevice(d: DeviceRow, owner?: DeviceOwner, registered = false) {
  const common = {
    id: d.id,
    kind: d.kind,
    userId: d.user_id,
    user: owner && owner.id === d.user_id ? { id: owner.id, username: owner.username, name: `${owner.first_name} ${owner.last_name}`.trim() } : null,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
  switch (d.kind) {
    case 'softphone':
      return { ...common, enabled: d.enabled, ...sipCredentials(d) };
    case 'mobile':
      return {
        ...common,
        number: d.number,
        mobileClientLicense: d.mobile_client_license,
        mobileProfile: d.mobile_profile,
        mobileVoipAllowed: d.mobile_voip_allowed,
        invitation: presentInvitation(d),
      };
    case 'desk_phone':
      return {
        ...common,
        mac: d.mac,
        model: d.model,
        firmware: d.firmware,
        description: d.description,
        hotDesk: d.hot_desk,
        state: deskPhoneState(d),
        // An unexpired binding in the registrar's store (written behind within about a second).
        registered,
        lastSeenIp: d.last_seen_ip,
        ...sipCredentials(d),
      };
    case 'sip_account':
      return { ...common, shownAs: d.shown_as, ...sipCredentials(d) };
  }
}

export type DeviceView = ReturnType<typeof presentDevice>;

/** Presents many devices with their users, looked up once. */
export function presentDevices(devices: readonly DeviceRow[], owners: readonly DeviceOwner[], registered: ReadonlySet<string> = new Set()): DeviceView[] {
  const byId = new Map(owners.map((u) => [u.id, u]));
  return devices.map((d) => presentDevice(d, d.user_id ? byId.get(d.user_id) : undefined, registered.has(d.id)));
}
