import { z } from 'zod';
import { uuid } from '../schemas/common.ts';

export const registrationListQuery = z.object({ deviceId: uuid.optional() });
