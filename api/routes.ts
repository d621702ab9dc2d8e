import type { ApiContext, ZApp } from './context.ts';
import { registerNumberRoutes } from './numbers/routes.ts';
import { registerOrganizationRoutes } from './organizations/routes.ts';
import { registerSiteRoutes } from './sites/routes.ts';
import { registerUserRoutes } from './users/routes.ts';

/** Every resource's routes, one folder each. */
export function registerResourceRoutes(app: ZApp, ctx: ApiContext): void {
  registerOrganizationRoutes(app, ctx);
  registerSiteRoutes(app, ctx);
  registerNumberRoutes(app, ctx);
  registerUserRoutes(app, ctx);
}
