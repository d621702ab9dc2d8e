import type { ApiContext, ZApp } from './context.ts';
import { registerFunctionNumberRoutes } from './function-numbers/routes.ts';
import { registerAuditLogRoutes } from './audit-log/routes.ts';
import { registerCdrRoutes } from './cdrs/routes.ts';
import { registerContactRoutes } from './contacts/routes.ts';
import { registerDeviceRoutes } from './devices/routes.ts';
import { registerDirectoryRoutes } from './directory/routes.ts';
import { registerGroupRoutes } from './groups/routes.ts';
import { registerMeRoutes } from './me/routes.ts';
import { registerNumberConversionRoutes } from './number-conversion/routes.ts';
import { registerNumberRoutes } from './numbers/routes.ts';
import { registerOrganizationRoutes } from './organizations/routes.ts';
import { registerSettingsRoutes } from './settings/routes.ts';
import { registerSipRoutes } from './sip/routes.ts';
import { registerSiteRoutes } from './sites/routes.ts';
import { registerTrunkRoutes } from './trunks/routes.ts';
import { registerUserImportRoutes } from './users/import-routes.ts';
import { registerUserRoutes } from './users/routes.ts';

/** Every resource's routes, one folder each. */
export function registerResourceRoutes(app: ZApp, ctx: ApiContext): void {
  registerOrganizationRoutes(app, ctx);
  registerSiteRoutes(app, ctx);
  registerNumberRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerUserImportRoutes(app, ctx);
  registerContactRoutes(app, ctx);
  registerGroupRoutes(app, ctx);
  registerSettingsRoutes(app, ctx);
  registerAuditLogRoutes(app, ctx);
  registerDeviceRoutes(app, ctx);
  registerDirectoryRoutes(app, ctx);
  registerMeRoutes(app, ctx);
  registerFunctionNumberRoutes(app, ctx);
  registerTrunkRoutes(app, ctx);
  registerSipRoutes(app, ctx);
  registerCdrRoutes(app, ctx);
  registerNumberConversionRoutes(app, ctx);
}
