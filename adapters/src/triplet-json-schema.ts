import { z } from 'zod';
import { TripletSchema } from './triplet.ts';

/**
 * JSON Schema (draft 2020-12) of one triplet, derived from `TripletSchema`; docs/triplets.md publishes it and a test
 * keeps the two identical and validates every export against it.
 */
export const TRIPLET_JSON_SCHEMA: Record<string, unknown> = {
  ...z.toJSONSchema(TripletSchema, {
    target: 'draft-2020-12',
    io: 'output',
    // A bigint (a context integer beyond 2^53) is written as a JSON integer with its exact digits.
    unrepresentable: (ctx) => (ctx.zodSchema._zod.def.type === 'bigint' ? { type: 'integer' } : undefined),
  }),
  $id: 'https://tradetrace.dev/schemas/triplet.json',
};
