import type { RewardFunction } from './reward-function.ts';
import type { Triplet } from '../triplet.ts';

/** +1 for a buy, −1 for a sell, 0 otherwise: the exposure a decision took. */
function direction(triplet: Readonly<Triplet>): number {
  if (triplet.decision.action === 'buy') return 1;
  if (triplet.decision.action === 'sell') return -1;
  return 0;
}

/**
 * The currency a CCXT symbol's P&L is paid in: the settlement currency of a derivative (`BTC/USDT:USDT`), else the
 * quote currency (`BTC/USDT`); '' when the symbol names neither.
 */
export function settlementCurrency(symbol: string): string {
  const settle = symbol.split(':')[1];
  if (settle) return settle;
  return symbol.split('/')[1] ?? '';
}

const RATIO = () => '1';

/** The realized P&L of the positions the decision closed or opened, in the settlement currency. */
export const realizedPnlReward: RewardFunction = {
  name: 'realized_pnl',
  kind: 'realized',
  match: 'decision_id',
  unit: (t) => settlementCurrency(t.symbol),
  compute: (t) => t.outcome.realized_pnl,
};

export const realizedReturnReward: RewardFunction = {
  name: 'realized_return',
  kind: 'realized',
  match: 'decision_id',
  unit: RATIO,
  compute: (t) => t.outcome.realized_return,
};

/** Market return over the horizon in the decision's direction; holds and closes earn 0. */
export const markToMarketReturnReward: RewardFunction = {
  name: 'mark_to_market_return',
  kind: 'mark_to_market',
  match: 'time',
  unit: RATIO,
  compute: (t) => (t.outcome.market_return === null ? null : direction(t) * t.outcome.market_return),
};

/** For holds: minus the move a buy or a sell would have caught over the horizon (counterfactual). */
export const holdOpportunityCostReward: RewardFunction = {
  name: 'hold_opportunity_cost',
  kind: 'counterfactual',
  match: 'time',
  unit: RATIO,
  compute: (t) =>
    t.decision.action !== 'hold' || t.outcome.market_return === null ? null : -Math.abs(t.outcome.market_return),
};

export const REWARD_PRESETS: Readonly<Record<string, RewardFunction>> = {
  realized_pnl: realizedPnlReward,
  realized_return: realizedReturnReward,
  mark_to_market_return: markToMarketReturnReward,
  hold_opportunity_cost: holdOpportunityCostReward,
};
