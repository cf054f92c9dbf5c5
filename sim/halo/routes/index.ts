/** Every API route of the simulator (the token endpoint is handled before routing, without a bearer token). */
import type { Route } from '../router.js';
import { interfaceRoutes } from './firewall-interfaces.js';
import { policyRoutes } from './firewall-policies.js';
import { ruleRoutes } from './firewall-rules.js';
import { serviceRoutes } from './firewall-services.js';
import { zoneRoutes } from './firewall-zones.js';
import { groupRoutes } from './groups.js';
import { issueRoutes } from './issues.js';
import { scanRoutes } from './scans.js';
import { serverRoutes } from './servers.js';

export const ROUTES: readonly Route[] = [
  ...policyRoutes,
  ...ruleRoutes,
  ...zoneRoutes,
  ...serviceRoutes,
  ...interfaceRoutes,
  ...groupRoutes,
  ...serverRoutes,
  ...scanRoutes,
  ...issueRoutes,
];
