import type { Trunk } from '../../store/repos/trunks-repo.ts';

/** The public shape of a trunk: the password is write-only, answered only as `hasPassword`. */
export function presentTrunk(t: Trunk) {
  return {
    id: t.id,
    name: t.name,
    enabled: t.enabled,
    outboundHost: t.outboundHost,
    outboundPort: t.outboundPort,
    transport: t.transport,
    register: t.register,
    authUsername: t.authUsername,
    hasPassword: t.authPassword !== null,
    fromDomain: t.fromDomain,
    inboundAddresses: t.inboundAddresses,
    priority: t.priority,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export type TrunkView = ReturnType<typeof presentTrunk>;
