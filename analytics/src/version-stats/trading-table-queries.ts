import type { Storage } from '@tradetrace/storage';
import type { ResolvedStatsFilter } from './stats-filter.ts';
import type { VersionTradeSeries } from './version-stats.ts';

/**
 * Reads the storage layer's typed trading tables (`trading_decisions`, `trading_positions`, `trading_rewards`,
 * docs/schema.md). A position close or reward whose span lacks strategy or mode takes them from its decision,
 * matched by DecisionId.
 */

const DECISIONS_BY_ID = (decisions: string) => `SELECT
    DecisionId AS decision_id,
    any(StrategyName) AS d_strategy_name,
    any(StrategyVersion) AS d_strategy_version,
    any(Mode) AS d_mode,
    any(Symbol) AS d_symbol
  FROM ${decisions}
  GROUP BY decision_id`;

/** A row's strategy, version, mode and symbol (of table alias `row`), each taken from its decision (`d`) when empty. */
const identityOrDecisions = (row: string) =>
  [
    ['StrategyName', 'd_strategy_name', 'strategy_name'],
    ['StrategyVersion', 'd_strategy_version', 'strategy_version'],
    ['Mode', 'd_mode', 'mode'],
    ['Symbol', 'd_symbol', 'symbol'],
  ]
    .map(([own, decision, name]) => `if(${row}.${own} != '', ${row}.${own}, d.${decision}) AS ${name}`)
    .join(',\n    ');

/**
 * Closed positions with the identity their decision gives them: `strategy_name`, `strategy_version`, `mode`, `at`,
 * `span_id`, `symbol`, `realized_return`, `realized_pnl`.
 */
export const positionsWithDecisions = (storage: Storage) => `SELECT
    ${identityOrDecisions('p')},
    p.Timestamp AS at,
    p.SpanId AS span_id,
    p.RealizedReturn AS realized_return,
    p.RealizedPnl AS realized_pnl
  FROM ${storage.table('trading_positions')} AS p
  LEFT JOIN (${DECISIONS_BY_ID(storage.table('trading_decisions'))}) AS d ON d.decision_id = p.DecisionId`;

/**
 * Primary rewards (`IsPrimary`: marked so, or named `primary`) with the identity their decision gives them:
 * `strategy_name`, `strategy_version`, `mode`, `symbol`, `at`, `value`.
 */
export const primaryRewardsWithDecisions = (storage: Storage) => `SELECT
    ${identityOrDecisions('r')},
    r.Timestamp AS at,
    r.Value AS value
  FROM ${storage.table('trading_rewards')} AS r
  LEFT JOIN (${DECISIONS_BY_ID(storage.table('trading_decisions'))}) AS d ON d.decision_id = r.DecisionId
  WHERE r.IsPrimary`;

/** WHERE clause over columns `at`, `mode`, `strategy_name`, `strategy_version` and the matching query parameters. */
export function filterClause(filter: ResolvedStatsFilter): { where: string; params: Record<string, unknown> } {
  const conditions: string[] = ["strategy_name != ''"];
  const params: Record<string, unknown> = {};
  if (filter.since !== undefined) {
    conditions.push('at >= parseDateTime64BestEffort({since:String}, 9)');
    params.since = filter.since;
  }
  if (filter.until !== undefined) {
    conditions.push('at < parseDateTime64BestEffort({until:String}, 9)');
    params.until = filter.until;
  }
  if (filter.mode !== undefined) {
    conditions.push('mode = {mode:String}');
    params.mode = filter.mode;
  }
  if (filter.strategyName !== undefined) {
    conditions.push('strategy_name = {strategyName:String}');
    params.strategyName = filter.strategyName;
  }
  if (filter.versions !== undefined) {
    conditions.push('has({versions:Array(String)}, strategy_version)');
    params.versions = filter.versions;
  }
  return { where: conditions.join(' AND '), params };
}

export async function queryRows<T>(storage: Storage, query: string, params: Record<string, unknown>): Promise<T[]> {
  const result = await storage.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Map key of one strategy version. */
export const versionKey = (name: string, version: string) => `${name}\u0000${version}`;

/** Per-trade realized returns and pnl of every version, in close order. */
export async function readTradeSeries(storage: Storage, filter: ResolvedStatsFilter): Promise<VersionTradeSeries[]> {
  const { where, params } = filterClause(filter);
  const rows = await queryRows<{
    strategy_name: string;
    strategy_version: string;
    realized_return: number;
    realized_pnl: number | null;
  }>(
    storage,
    `SELECT strategy_name, strategy_version, realized_return, realized_pnl FROM (${positionsWithDecisions(storage)})
WHERE ${where} AND realized_return IS NOT NULL
ORDER BY strategy_name, strategy_version, at, span_id`,
    params,
  );
  const series = new Map<string, VersionTradeSeries>();
  for (const row of rows) {
    const key = versionKey(row.strategy_name, row.strategy_version);
    let entry = series.get(key);
    if (!entry) {
      entry = { strategyName: row.strategy_name, strategyVersion: row.strategy_version, returns: [], pnls: [] };
      series.set(key, entry);
    }
    entry.returns.push(Number(row.realized_return));
    entry.pnls.push(Number(row.realized_pnl ?? 0));
  }
  return [...series.values()];
}

/** Number of decisions per version. */
export async function readDecisionCounts(
  storage: Storage,
  filter: ResolvedStatsFilter,
): Promise<Map<string, { strategyName: string; strategyVersion: string; decisions: number }>> {
  const { where, params } = filterClause(filter);
  const rows = await queryRows<{ strategy_name: string; strategy_version: string; decisions: string | number }>(
    storage,
    `SELECT strategy_name, strategy_version, count() AS decisions FROM (
  SELECT StrategyName AS strategy_name, StrategyVersion AS strategy_version, Mode AS mode, Timestamp AS at
  FROM ${storage.table('trading_decisions')}
)
WHERE ${where}
GROUP BY strategy_name, strategy_version`,
    params,
  );
  return new Map(
    rows.map((row) => [
      versionKey(row.strategy_name, row.strategy_version),
      { strategyName: row.strategy_name, strategyVersion: row.strategy_version, decisions: Number(row.decisions) },
    ]),
  );
}

/** Values of the primary reward (`IsPrimary`: marked so, or named `primary`) per version, in time order (`trading_rewards` holds each reward once). */
export async function readPrimaryRewards(
  storage: Storage,
  filter: ResolvedStatsFilter,
): Promise<Map<string, number[]>> {
  const { where, params } = filterClause(filter);
  const rows = await queryRows<{ strategy_name: string; strategy_version: string; value: number }>(
    storage,
    `SELECT strategy_name, strategy_version, value FROM (${primaryRewardsWithDecisions(storage)})
WHERE ${where}
ORDER BY strategy_name, strategy_version, at`,
    params,
  );
  const rewards = new Map<string, number[]>();
  for (const row of rows) {
    const key = versionKey(row.strategy_name, row.strategy_version);
    const list = rewards.get(key) ?? [];
    list.push(Number(row.value));
    rewards.set(key, list);
  }
  return rewards;
}
