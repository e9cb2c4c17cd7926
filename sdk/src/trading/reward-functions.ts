import type { RewardKind } from '../semconv/trading-attributes.ts';

/** A position close as reward functions see it: what the bot gave, completed from the CCXT position where possible. */
export interface ClosedPosition {
  /** The decision that opened the position. */
  decisionId: string | undefined;
  positionId: string | undefined;
  symbol: string;
  side: 'long' | 'short' | undefined;
  entryPrice: number | undefined;
  exitPrice: number | undefined;
  amount: number | undefined;
  /** Quote currency, net of fees. */
  realizedPnl: number | undefined;
  /** Fraction of the entry value. */
  realizedReturn: number | undefined;
  fees: number | undefined;
  durationSeconds: number | undefined;
  exitReason: string | undefined;
}

/**
 * A reward computed for every position close, declared once (`init({ rewards })` or `addRewardFunction`). Each
 * becomes a reward named `name` for the decision that opened the position. Returning `undefined`, `null` or a
 * non-finite number skips it for that close; throwing is reported and skips it.
 */
export interface RewardFunction {
  name: string;
  /** Default `realized`. */
  kind?: RewardKind;
  unit?: string;
  compute(close: ClosedPosition): number | undefined | null;
}

export function defineReward(
  name: string,
  compute: (close: ClosedPosition) => number | undefined | null,
  options: { kind?: RewardKind; unit?: string } = {},
): RewardFunction {
  return { name, compute, ...options };
}

/** Ready-made reward functions. */
export const rewardFunctions = {
  /** Realized P&L in quote currency (net of fees), as the `primary` reward unless named otherwise. */
  realizedPnl: (options: { name?: string; unit?: string } = {}): RewardFunction =>
    defineReward(
      options.name ?? 'primary',
      (c) => c.realizedPnl,
      options.unit === undefined ? {} : { unit: options.unit },
    ),
  /** Realized return as a fraction of the entry value. */
  realizedReturn: (options: { name?: string } = {}): RewardFunction =>
    defineReward(options.name ?? 'return', (c) => c.realizedReturn, { unit: 'fraction' }),
  /** Fees paid, as a negative reward (a penalty). */
  feePenalty: (options: { name?: string; unit?: string } = {}): RewardFunction =>
    defineReward(
      options.name ?? 'fees',
      (c) => (c.fees === undefined ? undefined : -Math.abs(c.fees)),
      options.unit === undefined ? {} : { unit: options.unit },
    ),
  /** Return per hour held: rewards quick wins over slow ones. */
  returnPerHour: (options: { name?: string } = {}): RewardFunction =>
    defineReward(options.name ?? 'return_per_hour', (c) =>
      c.realizedReturn === undefined || c.durationSeconds === undefined || c.durationSeconds <= 0
        ? undefined
        : c.realizedReturn / (c.durationSeconds / 3600),
    ),
};
