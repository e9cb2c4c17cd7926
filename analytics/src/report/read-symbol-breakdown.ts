import type { Storage } from '@tradetrace/storage';
import { finiteOrNull } from '../version-stats/compute-version-stats.ts';
import { winRate } from '../statistics/pnl-ratios.ts';
import type { ResolvedStatsFilter } from '../version-stats/stats-filter.ts';
import {
  filterClause,
  positionsWithDecisions,
  primaryRewardsWithDecisions,
  queryRows,
  versionKey,
} from '../version-stats/trading-table-queries.ts';
import type { ReportSymbol } from './report-data.ts';

interface SymbolKeyed {
  strategy_name: string;
  strategy_version: string;
  symbol: string;
}

/** Decisions per version and symbol. */
function readDecisions(storage: Storage, filter: ResolvedStatsFilter) {
  const { where, params } = filterClause(filter);
  return queryRows<SymbolKeyed & { decisions: string }>(
    storage,
    `SELECT strategy_name, strategy_version, symbol, count() AS decisions FROM (
  SELECT StrategyName AS strategy_name, StrategyVersion AS strategy_version, Mode AS mode, Symbol AS symbol, Timestamp AS at
  FROM ${storage.table('trading_decisions')}
)
WHERE ${where}
GROUP BY strategy_name, strategy_version, symbol`,
    params,
  );
}

/** Realized P&L of each closed trade, the trades `tradetrace stats` counts. */
function readTradePnls(storage: Storage, filter: ResolvedStatsFilter) {
  const { where, params } = filterClause(filter);
  return queryRows<SymbolKeyed & { realized_pnl: number | null }>(
    storage,
    `SELECT strategy_name, strategy_version, symbol, realized_pnl FROM (${positionsWithDecisions(storage)})
WHERE ${where} AND realized_return IS NOT NULL`,
    params,
  );
}

/** Count and sum of the primary rewards per version and symbol. */
function readRewardSums(storage: Storage, filter: ResolvedStatsFilter) {
  const { where, params } = filterClause(filter);
  return queryRows<SymbolKeyed & { rewards: string; reward_sum: number }>(
    storage,
    `SELECT strategy_name, strategy_version, symbol, count() AS rewards, sum(value) AS reward_sum
FROM (${primaryRewardsWithDecisions(storage)})
WHERE ${where}
GROUP BY strategy_name, strategy_version, symbol`,
    params,
  );
}

/**
 * Per version, one row per symbol it decided, traded or was rewarded on: which symbols a version earns on and which
 * it loses on. Rows are ordered by realized P&L, best first; a row without trades has P&L 0 and no win rate.
 */
export async function readSymbolBreakdown(
  storage: Storage,
  filter: ResolvedStatsFilter,
): Promise<Map<string, ReportSymbol[]>> {
  const [decisions, trades, rewards] = await Promise.all([
    readDecisions(storage, filter),
    readTradePnls(storage, filter),
    readRewardSums(storage, filter),
  ]);
  const rows = new Map<string, Map<string, { decisions: number; pnls: number[]; rewards: number; sum: number }>>();
  const entry = (row: SymbolKeyed) => {
    const key = versionKey(row.strategy_name, row.strategy_version);
    const symbols = rows.get(key) ?? new Map();
    rows.set(key, symbols);
    const found = symbols.get(row.symbol) ?? { decisions: 0, pnls: [], rewards: 0, sum: 0 };
    symbols.set(row.symbol, found);
    return found;
  };
  for (const row of decisions) entry(row).decisions = Number(row.decisions);
  for (const row of trades) entry(row).pnls.push(Number(row.realized_pnl ?? 0));
  for (const row of rewards) Object.assign(entry(row), { rewards: Number(row.rewards), sum: Number(row.reward_sum) });
  return new Map(
    [...rows].map(([key, symbols]) => [
      key,
      [...symbols]
        .map(([symbol, s]) => ({
          symbol,
          decisions: s.decisions,
          trades: s.pnls.length,
          winRate: finiteOrNull(winRate(s.pnls)),
          pnl: s.pnls.reduce((sum, pnl) => sum + pnl, 0),
          rewards: s.rewards,
          rewardSum: s.rewards === 0 ? null : s.sum,
        }))
        .sort((a, b) => b.pnl - a.pnl || a.symbol.localeCompare(b.symbol)),
    ]),
  );
}
