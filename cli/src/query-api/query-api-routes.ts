import type { CollectorRoutePlugin } from '@tradetrace/collector';
import { tripletsRoute } from './triplets-route.ts';

/**
 * The query API mounted on the collector's server, so tools can read the embedded engine the collector owns.
 * `/api/v1/stats` and the strategy-version routes belong here too once the analytics package exposes functions that
 * read storage (it offers computations over series today): add them to this list.
 */
export const QUERY_API_ROUTES: readonly CollectorRoutePlugin[] = [tripletsRoute];
