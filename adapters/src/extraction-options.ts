import type { PrimaryRewardRule } from './reward/primary-reward-rule.ts';
import type { RewardFunction } from './reward/reward-function.ts';

/** How triplets are made; every field has a default so `{}` gives the plain, explicit-only extraction. */
export interface ExtractionOptions {
  /** Match a reward that names no decision, links none and sits in no decision's subtree to the latest earlier decision of the same service. Default false: time order guesses. */
  matchByTime?: boolean;
  /** Horizon for `outcome.price_at_horizon` / `market_return`, in seconds. Default: none. */
  horizonSeconds?: number;
  /** Default `{ rule: 'default' }`. */
  primaryRule?: PrimaryRewardRule;
  /** Computed reward components, applied in order. Default none. */
  rewardFunctions?: readonly RewardFunction[];
  /** Discount of episode returns; when set, triplets come grouped by episode (then time) with steps and returns. */
  gamma?: number;
}

export interface ResolvedExtractionOptions {
  matchByTime: boolean;
  horizonNs: bigint | null;
  primaryRule: PrimaryRewardRule;
  rewardFunctions: readonly RewardFunction[];
  gamma: number | null;
}

export function resolveExtractionOptions(options: ExtractionOptions = {}): ResolvedExtractionOptions {
  const horizon = options.horizonSeconds;
  if (horizon !== undefined && !(horizon > 0 && Number.isFinite(horizon)))
    throw new RangeError(`horizonSeconds must be a positive number, got ${horizon}`);
  if (options.gamma !== undefined && !(options.gamma >= 0 && options.gamma <= 1))
    throw new RangeError(`gamma must be between 0 and 1, got ${options.gamma}`);
  return {
    matchByTime: options.matchByTime ?? false,
    horizonNs: horizon === undefined ? null : BigInt(Math.round(horizon * 1e9)),
    primaryRule: options.primaryRule ?? { rule: 'default' },
    rewardFunctions: options.rewardFunctions ?? [],
    gamma: options.gamma ?? null,
  };
}
