import { uniqueViolation } from '../../store/repos/executor.ts';
import type { Trunk } from '../../store/repos/trunks-repo.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { AppError, notFound } from '../errors.ts';
import type { Access } from '../policies.ts';
import { presentTrunk, type TrunkView } from './presenter.ts';
import type { TrunkCreateBody, TrunkUpdateBody } from './schemas.ts';

/** A concurrent request that took the name first. */
export function rethrowTrunkConflict(err: unknown): never {
  if (uniqueViolation(err)) throw new AppError('duplicate', 'A trunk with this name already exists', 'name');
  throw err;
}

/** Registering at a carrier means answering its challenge: both credentials must be there. */
function checkRegistration(state: { register: boolean; authUsername: string | null; hasPassword: boolean }): void {
  if (!state.register) return;
  if (!state.authUsername) throw new AppError('validation_failed', 'A trunk that registers needs authUsername', 'authUsername');
  if (!state.hasPassword) throw new AppError('validation_failed', 'A trunk that registers needs authPassword', 'authPassword');
}

export async function loadTrunk(repos: Repos, orgId: string, id: string): Promise<Trunk> {
  const t = await repos.trunks.get(orgId, id);
  if (!t) throw notFound('Trunk');
  return t;
}

export async function createTrunk(repos: Repos, access: Access, body: TrunkCreateBody): Promise<TrunkView> {
  checkRegistration({ register: body.register ?? false, authUsername: body.authUsername ?? null, hasPassword: (body.authPassword ?? null) !== null });
  const t = await repos.trunks.create(access.orgId, body).catch(rethrowTrunkConflict);
  const view = presentTrunk(t);
  await audit(repos, access.principal, access.orgId, 'trunk.create', { type: 'trunk', id: t.id }, null, view);
  return view;
}

export async function updateTrunk(repos: Repos, access: Access, id: string, body: TrunkUpdateBody): Promise<TrunkView> {
  const before = await loadTrunk(repos, access.orgId, id);
  checkRegistration({
    register: body.register ?? before.register,
    authUsername: body.authUsername !== undefined ? body.authUsername : before.authUsername,
    hasPassword: body.authPassword !== undefined ? body.authPassword !== null : before.authPassword !== null,
  });
  const after = await repos.trunks.update(access.orgId, id, body).catch(rethrowTrunkConflict);
  if (!after) throw notFound('Trunk');
  const view = presentTrunk(after);
  await audit(repos, access.principal, access.orgId, 'trunk.update', { type: 'trunk', id }, presentTrunk(before), {
    ...view,
    ...(body.authPassword !== undefined && { passwordChanged: true }),
  });
  return view;
}

export async function deleteTrunk(repos: Repos, access: Access, id: string): Promise<void> {
  const before = await loadTrunk(repos, access.orgId, id);
  await repos.trunks.remove(access.orgId, id);
  await audit(repos, access.principal, access.orgId, 'trunk.delete', { type: 'trunk', id }, presentTrunk(before), null);
}
