import { z } from 'zod';
import { TripletSchema } from './triplet.ts';

/**
 * JSON Schema (draft 2020-12) of one triplet, derived from `TripletSchema`; docs/triplets.md publishes it and a test
 * keeps the two identical and validates every export against it.
 */
export const TRIPLET_JSON_SCHEMA: Record<string, unknown> = {
  ...z.toJSONSchema(TripletSchema, { target: 'draft-2020-12', io: 'output' }),
  $id: 'https://tradetrace.dev/schemas/triplet.json',
};
