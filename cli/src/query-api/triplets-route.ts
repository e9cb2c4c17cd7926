import { Readable } from 'node:stream';
import {
  readTriplets,
  TRIPLET_FILTER_QUERY_PARAMS,
  tripletFilterFromQuery,
  type TripletFilter,
} from '@tradetrace/adapters';
import type { CollectorRoutePlugin } from '@tradetrace/collector';
import { stringifyJsonExact } from '@tradetrace/storage';
import { ZodError } from 'zod';

/**
 * `GET /api/v1/triplets?since=&until=&service=&strategy_version=&symbol=&mode=&only_rewarded=`: the triplets of the
 * collector's own storage as `application/x-ndjson`, one JSON object per line, streamed as they are read.
 */
export const tripletsRoute: CollectorRoutePlugin = (app, { storage }) => {
  app.get('/api/v1/triplets', async (request, reply) => {
    let filter: TripletFilter;
    try {
      filter = tripletFilterFromQuery(request.query as Record<string, string | undefined>);
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      const problems = error.issues.map((issue) => `${queryParamOf(issue.path[0])}: ${issue.message}`).join('; ');
      return reply.code(400).send({ code: 'TT_QUERY_BAD_FILTER', message: `invalid triplet filter: ${problems}` });
    }
    return reply.type('application/x-ndjson').send(Readable.from(ndjsonLines(readTriplets(storage, filter))));
  });
};

async function* ndjsonLines(items: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const item of items) yield `${stringifyJsonExact(item)}\n`;
}

function queryParamOf(field: PropertyKey | undefined): string {
  return TRIPLET_FILTER_QUERY_PARAMS[field as keyof typeof TRIPLET_FILTER_QUERY_PARAMS] ?? String(field ?? 'query');
}
