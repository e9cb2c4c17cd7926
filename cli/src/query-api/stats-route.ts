import { AnalyticsError, computeVersionStats, type StatsFilter } from '@tradetrace/analytics';
import type { CollectorRoutePlugin } from '@tradetrace/collector';

/**
 * `GET /api/v1/stats?since=&until=&mode=&strategyName=&versions=a,b&periodsPerYear=`: per-version statistics as a JSON
 * array, computed by the analytics package from the collector's own storage.
 */
export const statsRoute: CollectorRoutePlugin = (app, { storage }) => {
  app.get('/api/v1/stats', async (request, reply) => {
    try {
      return await computeVersionStats(storage, request.query as StatsFilter);
    } catch (error) {
      if (error instanceof AnalyticsError && error.code === 'TT_ANALYTICS_BAD_INPUT')
        return reply.code(400).send({ code: error.code, message: error.message });
      throw error;
    }
  });
};
