import { mean } from './moments.ts';

/** Sum of positive pnl / |sum of negative pnl|; NaN without a losing trade. */
export function profitFactor(pnls: readonly number[]): number {
  let gains = 0;
  let losses = 0;
  for (const pnl of pnls) {
    if (pnl > 0) gains += pnl;
    else if (pnl < 0) losses -= pnl;
  }
  return losses > 0 ? gains / losses : Number.NaN;
}

/** Mean realized pnl per trade. */
export function expectancy(pnls: readonly number[]): number {
  return mean(pnls);
}

/** Share of trades with a positive realized pnl. */
export function winRate(pnls: readonly number[]): number {
  if (pnls.length === 0) return Number.NaN;
  return pnls.filter((pnl) => pnl > 0).length / pnls.length;
}
