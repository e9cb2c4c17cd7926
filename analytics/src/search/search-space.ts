import { z } from 'zod';
import { AnalyticsError } from '../analytics-error.ts';

/**
 * A numeric range: `step` (linear) or `count` values (linear, or geometric with `log`); with neither, a continuous
 * range that only the random search can sample. `integer` rounds every value.
 */
const RangeSchema = z
  .object({
    min: z.number(),
    max: z.number(),
    step: z.number().positive().optional(),
    count: z.number().int().min(2).optional(),
    log: z.boolean().default(false),
    integer: z.boolean().default(false),
  })
  .strict()
  .check((ctx) => {
    const r = ctx.value;
    const issue = (message: string) => ctx.issues.push({ code: 'custom', message, input: r });
    if (r.max < r.min) issue('max must be ≥ min');
    if (r.step !== undefined && r.count !== undefined) issue('give step or count, not both');
    if (r.log && r.min <= 0) issue('a log-scale range needs min > 0');
    if (r.log && r.step !== undefined) issue('a log-scale range takes count, not step');
  });
type Range = z.output<typeof RangeSchema>;

/** One searched config field: its path in the config and its candidate values (or a continuous range). */
export interface SearchDimension {
  path: string[];
  /** Candidate values in order (neighbours are adjacent); undefined for a continuous range. */
  values: unknown[] | undefined;
  range: Range | undefined;
}

const isRangeLike = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'min' in value && 'max' in value;

/** Largest number of values one dimension may expand to; a bigger step is almost always a typo. */
const MAX_VALUES_PER_DIMENSION = 10_000;

function expandRange(range: Range, where: string): unknown[] | undefined {
  const round = (v: number) => (range.integer ? Math.round(v) : Number(v.toPrecision(12)));
  let values: number[];
  if (range.step !== undefined) {
    const n = Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
    if (n > MAX_VALUES_PER_DIMENSION)
      throw badSpace(where, `expands to ${n} values (at most ${MAX_VALUES_PER_DIMENSION})`);
    values = Array.from({ length: n }, (_, i) => range.min + i * range.step!);
  } else if (range.count !== undefined) {
    const n = range.count;
    values = Array.from({ length: n }, (_, i) =>
      range.log
        ? range.min * (range.max / range.min) ** (i / (n - 1))
        : range.min + ((range.max - range.min) * i) / (n - 1),
    );
  } else return undefined;
  return [...new Set(values.map(round))];
}

function badSpace(where: string, message: string): AnalyticsError {
  return new AnalyticsError('TT_ANALYTICS_BAD_SEARCH_SPACE', `search space ${where}: ${message}`);
}

/**
 * Parses a search space: a JSON object whose keys are config fields. An array lists candidates; `{ min, max, step }`,
 * `{ min, max, count, log }` or `{ min, max }` is a numeric range; any other object is a nested config object.
 */
export function parseSearchSpace(space: unknown): SearchDimension[] {
  const dimensions: SearchDimension[] = [];
  const walk = (node: unknown, path: string[]) => {
    const where = path.length === 0 ? '(top level)' : `field "${path.join('.')}"`;
    if (typeof node !== 'object' || node === null || Array.isArray(node))
      throw badSpace(where, 'must be an object whose keys are config fields');
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key];
      const field = `field "${at.join('.')}"`;
      if (Array.isArray(value)) {
        if (value.length === 0) throw badSpace(field, 'lists no candidate values');
        dimensions.push({ path: at, values: value, range: undefined });
      } else if (isRangeLike(value)) {
        const parsed = RangeSchema.safeParse(value);
        if (!parsed.success) throw badSpace(field, parsed.error.issues.map((i) => i.message).join('; '));
        dimensions.push({ path: at, values: expandRange(parsed.data, field), range: parsed.data });
      } else if (typeof value === 'object' && value !== null) walk(value, at);
      else
        throw badSpace(field, `${JSON.stringify(value)} is neither a list of candidates, a range nor a nested object`);
    }
  };
  walk(space, []);
  if (dimensions.length === 0) throw badSpace('(top level)', 'has no dimension to search');
  return dimensions;
}

/** A copy of `base` with `value` set at `path` (nested objects created as needed). */
export function setPath(base: unknown, path: readonly string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> =
    typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  let node = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else {
      const child = node[key];
      node[key] = typeof child === 'object' && child !== null && !Array.isArray(child) ? { ...child } : {};
      node = node[key] as Record<string, unknown>;
    }
  });
  return root;
}

/** The value at `path`, undefined when absent. */
export function getPath(config: unknown, path: readonly string[]): unknown {
  let node = config;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** One point of the space: a value per dimension, in dimension order. */
export type SpacePoint = unknown[];

/** `base` with every dimension set to the point's value. */
export function applyPoint(base: unknown, dimensions: readonly SearchDimension[], point: SpacePoint): unknown {
  return dimensions.reduce<unknown>((config, dimension, i) => setPath(config, dimension.path, point[i]), base);
}

/** Combinations in the full grid; Infinity when a dimension is continuous. */
export function gridSize(dimensions: readonly SearchDimension[]): number {
  return dimensions.reduce((size, d) => size * (d.values?.length ?? Number.POSITIVE_INFINITY), 1);
}

/** Throws naming the first dimension that has no list of values (grid and beam searches need one). */
export function requireDiscrete(dimensions: readonly SearchDimension[], search: string): void {
  const continuous = dimensions.find((d) => d.values === undefined);
  if (continuous)
    throw badSpace(
      `field "${continuous.path.join('.')}"`,
      `is a continuous range; the ${search} search needs a list, a step or a count`,
    );
}
