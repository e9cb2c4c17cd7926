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
 *
 * The primary reward: the function marked `primary: true`, else the first one declared. Its reward carries
 * `trading.reward.primary = true` and keeps its own name; the others are components beside it.
 */
export interface RewardFunction {
  name: string;
  /** Default `realized`. */
  kind?: RewardKind;
  /** `1` for a return, a currency code for an amount; a function of the close for currencies that depend on it. */
  unit?: string | ((close: ClosedPosition) => string | undefined);
  /** This function's reward is the primary one (default: the first function declared is). */
  primary?: boolean;
  compute(close: ClosedPosition): number | undefined | null;
}

type RewardOptions = Pick<RewardFunction, 'kind' | 'unit' | 'primary'>;

export function defineReward(
  name: string,
  compute: (close: ClosedPosition) => number | undefined | null,
  options: RewardOptions = {},
): RewardFunction {
  return { name, compute, ...options };
}

/**
 * The currency a CCXT symbol's P&L is paid in: the settlement currency of a derivative (`SOL/USDC:USDC`), else the
 * quote currency (`BTC/USDT`); undefined when the symbol names neither.
 */
export function settlementCurrency(symbol: string): string | undefined {
  return symbol.split(':')[1] || symbol.split('/')[1] || undefined;
}

const inSettlementCurrency = (close: ClosedPosition) => settlementCurrency(close.symbol);

/** Ready-made reward functions, each with its unit. */
export const rewardFunctions = {
  /** Realized P&L (net of fees), in the settlement currency of the symbol unless `unit` says otherwise. */
  realizedPnl: (options: { name?: string } & RewardOptions = {}): RewardFunction =>
    defineReward(options.name ?? 'pnl', (c) => c.realizedPnl, { unit: inSettlementCurrency, ...options }),
  /** Realized return as a fraction of the entry value (unit `1`). */
  realizedReturn: (options: { name?: string } & RewardOptions = {}): RewardFunction =>
    defineReward(options.name ?? 'return', (c) => c.realizedReturn, { unit: '1', ...options }),
  /** Fees paid, as a negative reward (a penalty), in the settlement currency unless `unit` says otherwise. */
  feePenalty: (options: { name?: string } & RewardOptions = {}): RewardFunction =>
    defineReward(options.name ?? 'fees', (c) => (c.fees === undefined ? undefined : -Math.abs(c.fees)), {
      unit: inSettlementCurrency,
      ...options,
    }),
  /** Return per hour held (unit `1/h`): rewards quick wins over slow ones. */
  returnPerHour: (options: { name?: string } & RewardOptions = {}): RewardFunction =>
    defineReward(
      options.name ?? 'return_per_hour',
      (c) =>
        c.realizedReturn === undefined || c.durationSeconds === undefined || c.durationSeconds <= 0
          ? undefined
          : c.realizedReturn / (c.durationSeconds / 3600),
      { unit: '1/h', ...options },
    ),
};
