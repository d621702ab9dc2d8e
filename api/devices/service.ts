import { randomBytes } from 'node:crypto';
import { classifyNumber, normalizeNumber } from '../../core/numbers/index.ts';
import type { DeviceRow } from '../../store/database.ts';
import type { DeviceInput } from '../../store/repos/devices-repo.ts';
import { uniqueViolation } from '../../store/repos/executor.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import { scopeHasUser, type Access } from '../policies.ts';
import { presentDevice, presentDevices, presentInvitation, type DeviceView } from './presenter.ts';
import { FIELDS_OF_KIND, type DeviceCreateBody, type DeviceUpdateBody } from './schemas.ts';

/** A strong SIP password: 144 random bits, 24 URL-safe characters, with letters and digits like one an admin must choose. */
export function generateSipPassword(): string {
  for (;;) {
    const p = randomBytes(18).toString('base64url');
    if (/[A-Za-z]/.test(p) && /[0-9]/.test(p)) return p;
  }
}

/** Maps the store's unique constraints on devices to 409s naming the field (`prefix` for import rows). */
export function rethrowDeviceConflict(err: unknown, prefix = ''): never {
  const c = uniqueViolation(err);
  if (c?.includes('devices_one_softphone')) throw new AppError('duplicate', 'This user already has a softphone', `${prefix}userId`);
  if (c?.includes('devices_one_sip_account')) throw new AppError('duplicate', 'This user already has a third-party SIP account', `${prefix}userId`);
  if (c?.includes('sip_username')) throw new AppError('duplicate', 'Another device of the organization already has this SIP username', `${prefix}sipUsername`);
  if (c?.includes('mac')) throw new AppError('duplicate', 'A phone with this MAC address is already registered', `${prefix}mac`);
  throw err;
}

/** Whether the caller may see a device: organization scope sees all; a group admin only devices of users in scope. */
async function deviceInScope(repos: Repos, access: Access, d: DeviceRow): Promise<boolean> {
  if (access.scope.kind === 'organization') return true;
  if (!d.user_id) return false;
  return scopeHasUser(access.scope, await repos.groups.groupIdsOfUser(access.orgId, d.user_id));
}

/** Loads a device the caller may act on, or answers 404 (other tenants and out-of-scope devices alike). */
export async function loadDeviceInScope(repos: Repos, access: Access, id: string): Promise<DeviceRow> {
  const d = await repos.devices.get(access.orgId, id);
  if (!d || !(await deviceInScope(repos, access, d))) throw notFound('Device');
  return d;
}

/** A device is assigned only to a user of the organization inside the caller's scope. */
export async function checkAssignee(repos: Repos, access: Access, userId: string, field = 'userId'): Promise<void> {
  const u = await repos.users.get(access.orgId, userId);
  if (!u || !scopeHasUser(access.scope, u.groupIds)) throw new AppError('validation_failed', `User ${userId} does not exist`, field);
}

/** Unassigned desk phones belong to the whole organization: only organization administrators manage them. */
export function requireOrganizationForUnassigned(access: Access, field = 'userId'): void {
  if (access.scope.kind !== 'organization')
    throw new AppError('forbidden', 'Only organization administrators manage unassigned desk phones; give a user', field);
}

/** A mobile number is a full public number, used by one mobile phone of the organization. */
async function checkMobileNumber(repos: Repos, orgId: string, raw: string, selfId?: string): Promise<string> {
  const n = normalizeNumber(raw);
  if (classifyNumber(n) !== 'public')
    throw new AppError('validation_failed', 'A mobile number must be a full number with country code, such as +4520123456', 'number');
  const taken = await repos.devices.findMobileByNumber(orgId, n);
  if (taken && taken.id !== selfId) throw new AppError('duplicate', 'Another mobile phone already has this number', 'number');
  return n;
}

/** Presents devices with their users (one lookup for the whole page). */
export async function presentWithOwners(repos: Repos, orgId: string, devices: readonly DeviceRow[]): Promise<DeviceView[]> {
  const ids = [...new Set(devices.map((d) => d.user_id).filter((id): id is string => id !== null))];
  const phones = devices.filter((d) => d.kind === 'desk_phone').map((d) => d.id);
  const [owners, registered] = await Promise.all([repos.users.getMany(orgId, ids), repos.registrations.registeredDeviceIds(orgId, phones, new Date())]);
  return presentDevices(devices, owners, registered);
}

async function presentOne(repos: Repos, orgId: string, d: DeviceRow): Promise<DeviceView> {
  const [view] = await presentWithOwners(repos, orgId, [d]);
  return view ?? presentDevice(d);
}

export interface CreatedDevice {
  device: DeviceView;
  /** The generated SIP password, shown once; undefined when the caller chose one. */
  generatedSipPassword?: string | undefined;
}

/**
 * Optional SIP credentials of a softphone or desk phone: a password needs a username, and a
 * username without a password gets a generated one (returned once).
 */
function optionalCredentials(body: { sipUsername?: string | undefined; sipPassword?: string | undefined }) {
  if (body.sipPassword !== undefined && body.sipUsername === undefined)
    throw new AppError('validation_failed', 'A SIP password needs a SIP username', 'sipUsername');
  if (body.sipUsername === undefined) return { input: {}, generated: undefined };
  const generated = body.sipPassword === undefined ? generateSipPassword() : undefined;
  return { input: { sipUsername: body.sipUsername, sipPassword: body.sipPassword ?? generated }, generated };
}

/** Creates a device of any kind inside the caller's transaction. */
export async function createDevice(repos: Repos, access: Access, body: DeviceCreateBody): Promise<CreatedDevice> {
  const { orgId } = access;
  if (body.userId) await checkAssignee(repos, access, body.userId);
  let input: DeviceInput;
  let generated: string | undefined;
  switch (body.kind) {
    case 'softphone': {
      const sip = optionalCredentials(body);
      generated = sip.generated;
      input = { kind: 'softphone', userId: body.userId, enabled: body.enabled ?? true, ...sip.input };
      break;
    }
    case 'mobile':
      input = {
        kind: 'mobile',
        userId: body.userId,
        number: await checkMobileNumber(repos, orgId, body.number),
        mobileClientLicense: body.mobileClientLicense ?? false,
        mobileProfile: body.mobileProfile ?? 'Standard',
        // The source guide says to always allow it; it only lets the user switch VoIP on in the app.
        mobileVoipAllowed: body.mobileVoipAllowed ?? true,
      };
      break;
    case 'desk_phone': {
      if (!body.userId) requireOrganizationForUnassigned(access);
      const sip = optionalCredentials(body);
      generated = sip.generated;
      input = {
        kind: 'desk_phone',
        userId: body.userId ?? null,
        mac: body.mac,
        model: body.model,
        firmware: body.firmware ?? null,
        description: body.description ?? '',
        hotDesk: body.hotDesk ?? false,
        ...sip.input,
      };
      break;
    }
    case 'sip_account':
      generated = body.sipPassword === undefined ? generateSipPassword() : undefined;
      input = { kind: 'sip_account', userId: body.userId, sipUsername: body.sipUsername, sipPassword: body.sipPassword ?? generated, shownAs: body.shownAs };
      break;
  }
  let row: DeviceRow;
  try {
    row = await repos.devices.create(orgId, input);
  } catch (err) {
    rethrowDeviceConflict(err);
  }
  const device = await presentOne(repos, orgId, row);
  await audit(repos, access.principal, orgId, 'device.create', { type: 'device', id: row.id }, null, device);
  return { device, generatedSipPassword: generated };
}

/** Applies a partial change; fields of another kind are refused by name. */
export async function updateDevice(repos: Repos, access: Access, id: string, body: DeviceUpdateBody): Promise<DeviceView> {
  const { orgId } = access;
  const before = await loadDeviceInScope(repos, access, id);
  const { kind, ...fields } = body;
  if (kind !== undefined && kind !== before.kind) throw new AppError('validation_failed', `A device's kind cannot change (this is a ${before.kind})`, 'kind');
  const allowed = FIELDS_OF_KIND[before.kind];
  for (const key of Object.keys(fields) as (keyof typeof fields)[]) {
    if (fields[key] !== undefined && !allowed.includes(key)) throw new AppError('validation_failed', `A ${before.kind} has no field ${key}`, key);
  }
  const patch: Partial<DeviceInput> = { ...fields };
  if (fields.userId !== undefined) {
    if (fields.userId === null) {
      if (before.kind !== 'desk_phone') throw new AppError('validation_failed', `A ${before.kind} always belongs to a user`, 'userId');
      requireOrganizationForUnassigned(access);
    } else if (fields.userId !== before.user_id) {
      await checkAssignee(repos, access, fields.userId);
    }
  }
  if (fields.number !== undefined) patch.number = await checkMobileNumber(repos, orgId, fields.number, id);
  checkCredentialChange(before, fields, patch);
  let row: DeviceRow | undefined;
  try {
    row = await repos.devices.update(orgId, id, patch);
  } catch (err) {
    rethrowDeviceConflict(err);
  }
  if (!row) throw notFound('Device');
  const [viewBefore, after] = await Promise.all([presentOne(repos, orgId, before), presentOne(repos, orgId, row)]);
  await audit(repos, access.principal, orgId, 'device.update', { type: 'device', id }, viewBefore, after);
  return after;
}

/**
 * The stored digests bind the username, so a new username comes with a new password; null removes
 * the credentials of a softphone or desk phone (a third-party SIP account always has them).
 */
function checkCredentialChange(before: DeviceRow, fields: Omit<DeviceUpdateBody, 'kind'>, patch: Partial<DeviceInput>): void {
  if (fields.sipUsername === null) {
    if (before.kind === 'sip_account') throw new AppError('validation_failed', 'A third-party SIP account always has a SIP username', 'sipUsername');
    if (fields.sipPassword !== undefined) throw new AppError('validation_failed', 'A SIP password needs a SIP username', 'sipPassword');
    patch.sipPassword = null;
    return;
  }
  const username = fields.sipUsername ?? before.sip_username;
  if (fields.sipPassword !== undefined && username === null) throw new AppError('validation_failed', 'A SIP password needs a SIP username', 'sipUsername');
  if (fields.sipUsername !== undefined && fields.sipUsername !== before.sip_username && fields.sipPassword === undefined)
    throw new AppError('validation_failed', 'A new SIP username needs a new SIP password (the stored password digest includes the username)', 'sipPassword');
}

/** Removes a device from the organization. */
export async function deleteDevice(repos: Repos, access: Access, id: string): Promise<void> {
  const before = await loadDeviceInScope(repos, access, id);
  await repos.devices.delete(access.orgId, id);
  await audit(repos, access.principal, access.orgId, 'device.delete', { type: 'device', id }, presentDevice(before), null);
}

/**
 * SPEC §5 smartphone clients: marks the selected mobiles invited at `at` (the invitation SMS is the
 * notification service's job). A mobile already in use keeps its state. Answers each one's state.
 */
export async function inviteMobiles(repos: Repos, access: Access, deviceIds: readonly string[], at: Date) {
  const { orgId } = access;
  const found = new Map((await repos.devices.getMany(orgId, deviceIds)).map((d) => [d.id, d]));
  for (const [i, id] of deviceIds.entries()) {
    const d = found.get(id);
    if (!d || !(await deviceInScope(repos, access, d))) throw new AppError('validation_failed', `Device ${id} does not exist`, `deviceIds.${i}`);
    if (d.kind !== 'mobile') throw new AppError('validation_failed', `Device ${id} is a ${d.kind}; only mobile phones get invitations`, `deviceIds.${i}`);
  }
  const unique = [...new Set(deviceIds)];
  await repos.devices.markInvited(orgId, unique, at);
  const after = await repos.devices.getMany(orgId, unique);
  const byId = new Map(after.map((d) => [d.id, d]));
  const items = unique.flatMap((id) => {
    const d = byId.get(id);
    return d ? [{ deviceId: d.id, userId: d.user_id, number: d.number, invitation: presentInvitation(d) }] : [];
  });
  await audit(repos, access.principal, orgId, 'device.invite', { type: 'device', id: null }, null, { deviceIds: unique, at });
  return { items };
}
