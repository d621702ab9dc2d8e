import type { GroupWithCounts } from '../../store/repos/groups-repo.ts';

/** The public shape of a user group. */
export function presentGroup(g: GroupWithCounts) {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    priority: g.priority,
    scheduleAdmin: g.schedule_admin,
    acdSupervisor: g.acd_supervisor,
    federated: g.federated,
    memberCount: g.memberCount,
    administersGroupIds: g.administersGroupIds,
    createdAt: g.created_at,
    updatedAt: g.updated_at,
  };
}

export type GroupView = ReturnType<typeof presentGroup>;
