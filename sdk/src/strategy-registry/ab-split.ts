import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { StrategyVersion } from '../strategy/strategy-version.ts';
import type { FeatureFlagAssignment } from '../trading-context.ts';
import { describeIssues } from '../validation-issues.ts';

const PROVIDER_NAME = 'tradetrace';

export const AbSplitOptionsSchema = z.object({
  /** `feature_flag.key`: names the experiment. */
  key: z.string().min(1),
  /** Same seed, same assignments: a restarted bot puts every symbol (or decision id) where it was. */
  seed: z.union([z.string(), z.number()]),
  /** `symbol`: a symbol always runs the same version; `decision`: each decision is drawn on its own. */
  unit: z.enum(['symbol', 'decision']),
  variants: z
    .array(
      z.object({
        name: z.string().min(1),
        weight: z.number().nonnegative(),
        version: z.custom<StrategyVersion>(
          (v) => typeof v === 'object' && v !== null && 'version' in v,
          'must be a strategy version',
        ),
      }),
    )
    .min(1)
    .refine((variants) => variants.some((v) => v.weight > 0), 'at least one variant needs a positive weight')
    .refine(
      (variants) => new Set(variants.map((v) => v.name)).size === variants.length,
      'variant names must be unique',
    ),
});

export interface AbSplitVariant<Config> {
  /** `feature_flag.result.variant`, e.g. `control`, `treatment`. */
  name: string;
  weight: number;
  version: StrategyVersion<Config>;
}

export interface AbSplitOptions<Config> {
  key: string;
  seed: string | number;
  unit: 'symbol' | 'decision';
  variants: AbSplitVariant<Config>[];
}

/**
 * The version chosen for one decision. Run the decision in it so its span carries `feature_flag.*`:
 * `tt.runStrategy(a.strategy, () => tt.decide(...), { featureFlag: a.featureFlag })`.
 */
export interface AbAssignment<Config> {
  strategy: StrategyVersion<Config>;
  featureFlag: FeatureFlagAssignment;
}

export interface AbSplit<Config> {
  /** Deterministic: the same seed, key and unit (symbol, or decision id) always give the same variant. */
  assign(unit: { symbol: string; decisionId?: string }): AbAssignment<Config>;
}

/** A point in [0, 1) from SHA-256 of seed, key and unit: stable across processes, machines and restarts. */
function unitPoint(seed: string | number, key: string, unit: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${key}\u0000${unit}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Splits decisions between strategy versions by weight, per symbol or per decision. Throws on bad options (at setup, not while trading). */
export function createAbSplit<Config>(options: AbSplitOptions<Config>): AbSplit<Config> {
  const parsed = AbSplitOptionsSchema.safeParse(options);
  if (!parsed.success) throw new TypeError(`invalid A/B split: ${describeIssues(parsed.error)}`);
  const total = options.variants.reduce((sum, v) => sum + v.weight, 0);
  const assignments = options.variants.map((variant) => ({
    strategy: variant.version,
    featureFlag: { key: options.key, variant: variant.name, provider: PROVIDER_NAME },
    weight: variant.weight,
  }));
  return {
    assign({ symbol, decisionId }) {
      if (options.unit === 'decision' && decisionId === undefined)
        throw new TypeError('a per-decision split needs the decision id');
      const point = unitPoint(options.seed, options.key, options.unit === 'symbol' ? symbol : decisionId!) * total;
      let cumulative = 0;
      for (const assignment of assignments) {
        cumulative += assignment.weight;
        if (point < cumulative) return { strategy: assignment.strategy, featureFlag: assignment.featureFlag };
      }
      const last = assignments.findLast((a) => a.weight > 0)!;
      return { strategy: last.strategy, featureFlag: last.featureFlag };
    },
  };
}
