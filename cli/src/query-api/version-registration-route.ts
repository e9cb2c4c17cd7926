import { registerVersionFromSpans } from '@tradetrace/analytics';
import type { CollectorRoutePlugin } from '@tradetrace/collector';
import { storeErrorAnswer } from './store-error-reply.ts';

/**
 * `POST /v1/strategies/:name/versions/:version/registration[?wait=S]`: the SDK's "is my version registered?". The
 * collector registers it from the registration span the bot sent (see docs/analytics.md, "Versions register themselves")
 * and answers 200 `{ registered: true }`, or 404 `{ registered: false }` while that span is not stored yet. It sits
 * under `/v1/` with the OTLP routes because a bot's ingest token asks it; a token bound to a bot or service only
 * registers from the spans that bot or service sent.
 */
export const versionRegistrationRoute: CollectorRoutePlugin = (app, { storage, authorizer }) => {
  app.post<{ Params: { name: string; version: string }; Querystring: { wait?: string } }>(
    '/v1/strategies/:name/versions/:version/registration',
    async (request, reply) => {
      const token = authorizer.authenticate(request.headers.authorization, 'ingest');
      try {
        const result = await registerVersionFromSpans(storage, {
          strategyName: request.params.name,
          version: request.params.version,
          waitSeconds: request.query.wait ?? 0,
          sender: token?.binding,
        });
        return reply.code(result.registered ? 200 : 404).send(result);
      } catch (error) {
        const answer = storeErrorAnswer(error);
        if (answer) return reply.code(400).send(answer);
        throw error;
      }
    },
  );
};
