import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  parsePrimaryRewardRule,
  REWARD_PRESETS,
  TRIPLET_FILTER_QUERY_PARAMS,
  tripletFilterFromQuery,
  tripletFilterToQuery,
  type ExtractionOptions,
  type RewardFunction,
  type TripletFilter,
} from '@tradetrace/adapters';
import { z } from 'zod';
import { StoreAccessError } from './store-access-error.ts';
import { describeIssues } from '../zod-issues.ts';

/** How triplets are made, in a form that travels as query parameters (reward functions by preset name or path). */
export interface ExtractionSpec {
  horizonSeconds?: number;
  matchByTime?: boolean;
  rewardRule?: string;
  /** Presets by name, or paths of modules default-exporting a RewardFunction (only where the CLI runs). */
  rewardFn?: string[];
  gamma?: number;
}

/** Which triplets an export reads and how it makes them. */
export interface TripletRequest {
  filter: TripletFilter;
  extraction: ExtractionSpec;
  /** Rows per page the embedded engine reads back (each page one statement); the reader's default when unset. */
  pageRows?: number;
}

/** The most rows a request may ask per page: the reader's own default, whose memory was measured. */
const MAX_PAGE_ROWS = 10_000;

const EXTRACTION_PARAMS = {
  horizonSeconds: 'horizon',
  matchByTime: 'match_by_time',
  rewardRule: 'reward_rule',
  rewardFn: 'reward_fn',
  gamma: 'gamma',
} as const satisfies Record<keyof ExtractionSpec, string>;

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const ExtractionQuerySchema = z.object({
  horizon: z.coerce.number().positive().optional(),
  match_by_time: flag.optional(),
  reward_rule: z.string().min(1).optional(),
  reward_fn: z
    .string()
    .min(1)
    .transform((list) => list.split(','))
    .optional(),
  gamma: z.coerce.number().min(0).max(1).optional(),
  page_rows: z.coerce.number().int().min(1).max(MAX_PAGE_ROWS).optional(),
});

/** The request as query parameters of `GET /api/v1/triplets` and `/api/v1/triplets.parquet`. */
export function tripletRequestToQuery(request: TripletRequest): URLSearchParams {
  const query = tripletFilterToQuery(request.filter);
  for (const [field, param] of Object.entries(EXTRACTION_PARAMS)) {
    const value = request.extraction[field as keyof ExtractionSpec];
    if (value !== undefined) query.set(param, Array.isArray(value) ? value.join(',') : String(value));
  }
  if (request.pageRows !== undefined) query.set('page_rows', String(request.pageRows));
  return query;
}

/** Parses the query parameters; throws StoreAccessError naming the bad parameter. */
export function tripletRequestFromQuery(query: Record<string, string | undefined>): TripletRequest {
  let filter: TripletFilter;
  try {
    filter = tripletFilterFromQuery(query);
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    throw new StoreAccessError(
      'TT_QUERY_BAD_FILTER',
      `invalid triplet filter: ${describeIssues(error, (path) => queryParamOf(path[0]))}`,
    );
  }
  const parsed = ExtractionQuerySchema.safeParse(query);
  if (!parsed.success)
    throw new StoreAccessError(
      'TT_QUERY_BAD_INPUT',
      `invalid extraction options: ${describeIssues(parsed.error, (path) => String(path[0]))}`,
    );
  const q = parsed.data;
  const extraction: ExtractionSpec = {};
  if (q.horizon !== undefined) extraction.horizonSeconds = q.horizon;
  if (q.match_by_time) extraction.matchByTime = true;
  if (q.reward_rule !== undefined) extraction.rewardRule = q.reward_rule;
  if (q.reward_fn !== undefined) extraction.rewardFn = q.reward_fn;
  if (q.gamma !== undefined) extraction.gamma = q.gamma;
  return q.page_rows === undefined ? { filter, extraction } : { filter, extraction, pageRows: q.page_rows };
}

function queryParamOf(field: PropertyKey | undefined): string {
  return TRIPLET_FILTER_QUERY_PARAMS[field as keyof typeof TRIPLET_FILTER_QUERY_PARAMS] ?? String(field ?? 'query');
}

/**
 * The adapters' options for a spec. Reward-function modules are code on the caller's machine: `modules: false` (a
 * collector serving a request) accepts presets only.
 */
export async function extractionOptionsOf(spec: ExtractionSpec, modules: boolean): Promise<ExtractionOptions> {
  const options: ExtractionOptions = {};
  if (spec.horizonSeconds !== undefined) options.horizonSeconds = spec.horizonSeconds;
  if (spec.matchByTime) options.matchByTime = true;
  if (spec.gamma !== undefined) options.gamma = spec.gamma;
  if (spec.rewardRule !== undefined) {
    try {
      options.primaryRule = parsePrimaryRewardRule(spec.rewardRule);
    } catch (error) {
      throw new StoreAccessError('TT_QUERY_BAD_INPUT', `--reward-rule: ${(error as Error).message}`);
    }
  }
  if (spec.rewardFn)
    options.rewardFunctions = await Promise.all(spec.rewardFn.map((n) => loadRewardFunction(n.trim(), modules)));
  return options;
}

/** A preset by name, or the default export of a module (a custom reward function in TypeScript or JavaScript). */
async function loadRewardFunction(name: string, modules: boolean): Promise<RewardFunction> {
  const preset = REWARD_PRESETS[name];
  if (preset) return preset;
  if (!/[./]/.test(name))
    throw new StoreAccessError(
      'TT_QUERY_BAD_INPUT',
      `--reward-fn: unknown preset "${name}"; presets: ${Object.keys(REWARD_PRESETS).join(', ')}, or a module path`,
    );
  if (!modules)
    throw new StoreAccessError(
      'TT_QUERY_BAD_INPUT',
      `--reward-fn: the module ${name} would run inside the collector, which runs presets only; use a preset, or export from the stopped folder or a ClickHouse server`,
    );
  const module = (await import(pathToFileURL(resolve(name)).href)) as { default?: Partial<RewardFunction> };
  const fn = module.default;
  if (!fn || typeof fn.compute !== 'function' || typeof fn.name !== 'string' || typeof fn.kind !== 'string') {
    throw new StoreAccessError(
      'TT_QUERY_BAD_INPUT',
      `--reward-fn: ${name} must export default { name, kind, match, compute(triplet) }`,
    );
  }
  return { match: 'decision_id', ...fn } as RewardFunction;
}
