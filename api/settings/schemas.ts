import { z } from 'zod';
import { ALL_LEVELS } from '../../core/settings/catalogue.ts';
import { listQuery, uuid } from '../schemas/common.ts';

export const settingKey = z.string().min(1).max(100);

export const orgSettingsParams = z.object({ orgId: uuid });
export const orgSettingParams = z.object({ orgId: uuid, key: settingKey });
export const groupSettingsParams = z.object({ orgId: uuid, groupId: uuid });
export const groupSettingParams = z.object({ orgId: uuid, groupId: uuid, key: settingKey });
export const userSettingsParams = z.object({ orgId: uuid, userId: uuid });
export const userSettingParams = z.object({ orgId: uuid, userId: uuid, key: settingKey });

/** The value is checked against the setting's definition in the catalogue, not here. */
export const settingPut = z.strictObject({
  value: z.unknown().refine((v) => v !== undefined, { message: 'is required' }),
});

/** Values set on one level; `q` matches the key. */
export const levelListQuery = listQuery;

export const catalogueQuery = z.object({
  category: z.string().max(60).optional(),
  level: z.enum(ALL_LEVELS as readonly ['organization', 'group', 'user']).optional(),
});

export const effectiveQuery = z.object({
  /** Comma-separated setting keys; all settings when omitted. */
  keys: z.string().max(10_000).optional(),
});
