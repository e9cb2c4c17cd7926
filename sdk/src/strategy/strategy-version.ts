import { createHash } from 'node:crypto';
import type { z } from 'zod';

/** A strategy version as every span carries it: `trading.strategy.name` and `trading.strategy.version`. */
export interface StrategyRef {
  name: string;
  version: string;
}

/** A declared strategy version: the ref plus the validated config it was made from. */
export interface StrategyVersion<Config = unknown> extends StrategyRef {
  readonly config: Config;
}

/** A strategy declared once with the zod schema of its config; `version(config)` makes content-addressed versions. */
export interface StrategyDefinition<Schema extends z.ZodType> {
  readonly name: string;
  readonly schema: Schema;
  /** Validates the config (defaults applied) and returns the version; the same config always gives the same id. Throws on an invalid config. */
  version(config: z.input<Schema>): StrategyVersion<z.output<Schema>>;
  /** Like `version`, without throwing: for configs read from outside (files, a registry). */
  safeVersion(
    config: unknown,
  ): { success: true; version: StrategyVersion<z.output<Schema>> } | { success: false; error: z.ZodError };
}

/**
 * Declares a strategy: its name and the zod schema of its configuration.
 *
 * ```ts
 * const momentum = defineStrategy('momentum', z.object({ rsiBuy: z.number().default(30), rsiSell: z.number().default(70) }));
 * const v1 = momentum.version({ rsiBuy: 25 });   // { name: 'momentum', version: '3f2a…', config: { rsiBuy: 25, rsiSell: 70 } }
 * ```
 */
export function defineStrategy<Schema extends z.ZodType>(name: string, schema: Schema): StrategyDefinition<Schema> {
  const make = (config: z.output<Schema>): StrategyVersion<z.output<Schema>> =>
    Object.freeze({ name, version: strategyVersionId(config), config });
  return {
    name,
    schema,
    version: (config) => make(schema.parse(config)),
    safeVersion: (config) => {
      const parsed = schema.safeParse(config);
      return parsed.success ? { success: true, version: make(parsed.data) } : { success: false, error: parsed.error };
    },
  };
}

/**
 * JSON with object keys sorted at every level, so equal configs serialize to equal text. Values JSON cannot carry
 * the same way in every language (non-finite numbers, bigint, functions) are rejected rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item))
      throw new TypeError(`canonicalJson: ${item} has no JSON form`);
    if (typeof item === 'bigint' || typeof item === 'function' || typeof item === 'symbol')
      throw new TypeError(`canonicalJson: a ${typeof item} has no JSON form`);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  });
}

/** Content hash of a config: the same config always has the same version id (12 hex digits of SHA-256 of its canonical JSON). */
export function strategyVersionId(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}
