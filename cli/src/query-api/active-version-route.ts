import { answerActiveVersionRequest, AnalyticsError } from '@tradetrace/analytics';
import type { CollectorRoutePlugin } from '@tradetrace/collector';

/**
 * `GET /api/v1/strategies/:name/active[?wait=S]` with `If-None-Match`: the active version bots long-poll
 * (see docs/analytics.md). The long-poll ends early when the client goes away.
 */
export const activeVersionRoute: CollectorRoutePlugin = (app, { storage }) => {
  app.get<{ Params: { name: string }; Querystring: { wait?: string } }>(
    '/api/v1/strategies/:name/active',
    async (request, reply) => {
      const gone = new AbortController();
      request.raw.once('close', () => gone.abort());
      try {
        const answer = await answerActiveVersionRequest(
          storage,
          {
            strategyName: request.params.name,
            ifNoneMatch: request.headers['if-none-match'],
            waitSeconds: request.query.wait ?? 0,
          },
          { signal: gone.signal },
        );
        return reply
          .code(answer.status)
          .headers(answer.headers)
          .send(answer.body ?? undefined);
      } catch (error) {
        if (error instanceof AnalyticsError && error.code === 'TT_ANALYTICS_BAD_INPUT')
          return reply.code(400).send({ code: error.code, message: error.message });
        throw error;
      }
    },
  );
};
