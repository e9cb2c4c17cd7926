import { z } from 'zod';

/** Which decisions to export. Every field is optional; times are inclusive `since`, exclusive `until`. */
export interface TripletFilter {
  since?: Date;
  until?: Date;
  service?: string;
  strategyVersion?: string;
  symbol?: string;
  mode?: string;
  /** Only decisions whose `reward.value` is not null. */
  onlyRewarded?: boolean;
}

const time = z.coerce.date({ error: 'must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z' });
const text = z.string().min(1, 'must not be empty');

/** The filter as text arrives from flags and query strings; `only_rewarded` accepts true/false/1/0. */
export const TripletFilterSchema = z
  .object({
    since: time.optional(),
    until: time.optional(),
    service: text.optional(),
    strategyVersion: text.optional(),
    symbol: text.optional(),
    mode: text.optional(),
    onlyRewarded: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })])
      .transform((v) => v === true || v === 'true' || v === '1')
      .optional(),
  })
  .refine((f) => !f.since || !f.until || f.since < f.until, { message: 'since must be before until', path: ['until'] });

/** The HTTP query parameter of each filter field (`GET /api/v1/triplets?strategy_version=...`). */
export const TRIPLET_FILTER_QUERY_PARAMS = {
  since: 'since',
  until: 'until',
  service: 'service',
  strategyVersion: 'strategy_version',
  symbol: 'symbol',
  mode: 'mode',
  onlyRewarded: 'only_rewarded',
} as const satisfies Record<keyof TripletFilter, string>;

/** Parses `since=...&strategy_version=...` into a filter; throws a ZodError naming the bad parameter. */
export function tripletFilterFromQuery(params: URLSearchParams | Record<string, string | undefined>): TripletFilter {
  const get = (name: string) => (params instanceof URLSearchParams ? (params.get(name) ?? undefined) : params[name]);
  const raw = Object.fromEntries(
    Object.entries(TRIPLET_FILTER_QUERY_PARAMS).map(([field, param]) => [field, get(param)]),
  );
  return TripletFilterSchema.parse(raw);
}

/** The filter as query parameters, for clients of `GET /api/v1/triplets`. */
export function tripletFilterToQuery(filter: TripletFilter): URLSearchParams {
  const query = new URLSearchParams();
  for (const [field, param] of Object.entries(TRIPLET_FILTER_QUERY_PARAMS)) {
    const value = filter[field as keyof TripletFilter];
    if (value === undefined) continue;
    query.set(param, value instanceof Date ? value.toISOString() : String(value));
  }
  return query;
}
