import { z } from 'zod';
import { userListQuery } from '../users/schemas.ts';
import { name, uuid } from '../schemas/common.ts';

/** Largest priority accepted; a group given a priority past the end goes last. */
export const MAX_PRIORITY = 100_000;

const groupFields = {
  name,
  description: z.string().trim().max(500).optional(),
  priority: z.number().int().min(1).max(MAX_PRIORITY).optional(),
  scheduleAdmin: z.boolean().optional(),
  acdSupervisor: z.boolean().optional(),
  federated: z.boolean().optional(),
};

export const groupCreate = z.strictObject(groupFields);
export type GroupCreateBody = z.infer<typeof groupCreate>;

export const groupUpdate = z.strictObject(groupFields).partial();
export type GroupUpdateBody = z.infer<typeof groupUpdate>;

export const groupListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  sort: z.enum(['priority', 'name', 'created_at']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  q: z.string().max(200).optional(),
});

/** The whole priority order: every group of the organization exactly once, highest priority first. */
export const groupOrder = z.strictObject({ groupIds: z.array(uuid).max(10_000) });

export const groupMembers = z.strictObject({ userIds: z.array(uuid).min(1).max(10_000) });
export type GroupMembersBody = z.infer<typeof groupMembers>;

export const groupAdministers = z.strictObject({ groupIds: z.array(uuid).max(1_000) });

export const memberListQuery = userListQuery.omit({ groupId: true });

export const groupParams = z.object({ orgId: uuid, id: uuid });
