import type { CollectorRoutePlugin } from '@tradetrace/collector';
import { activeVersionRoute } from './active-version-route.ts';
import { statsRoute } from './stats-route.ts';
import { storeOperationsRoute } from './store-operations-route.ts';
import { tripletsRoute } from './triplets-route.ts';
import { versionRegistrationRoute } from './version-registration-route.ts';

/**
 * The query API mounted on the collector's server, so tools and bots can read the embedded engine the collector owns,
 * and the route bots confirm their versions' registration with.
 */
export const QUERY_API_ROUTES: readonly CollectorRoutePlugin[] = [
  tripletsRoute,
  statsRoute,
  activeVersionRoute,
  storeOperationsRoute,
  versionRegistrationRoute,
];
