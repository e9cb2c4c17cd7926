import type { Storage } from '@tradetrace/storage';
import { compareVersions } from '../comparison/compare-versions.ts';
import type { VersionComparison } from '../comparison/version-comparison.ts';
import { getActiveVersion } from '../registry/strategy-registry.ts';
import { drawdownCurve, equityCurve } from '../statistics/equity-curve.ts';
import { sharpeStandardError } from '../statistics/sharpe-inference.ts';
import { wilsonInterval } from '../statistics/wilson-interval.ts';
import { computeVersionStats, finiteOrNull, sharpeEstimate } from '../version-stats/compute-version-stats.ts';
import { parseInput } from '../analytics-error.ts';
import { readLatestSearchRuns } from '../search/search-run-store.ts';
import { StatsFilterSchema, type StatsFilter } from '../version-stats/stats-filter.ts';
import { readPrimaryRewards, readTradeSeries, versionKey } from '../version-stats/trading-table-queries.ts';
import { readSymbolBreakdown } from './read-symbol-breakdown.ts';
import type { ReportData, ReportLlmModel, ReportVersion } from './report-data.ts';

const Z95 = 1.959963984540054;

async function readLlmModels(storage: Storage, filter: { since?: string; until?: string }): Promise<ReportLlmModel[]> {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.since) {
    conditions.push('Timestamp >= parseDateTime64BestEffort({since:String}, 9)');
    params.since = filter.since;
  }
  if (filter.until) {
    conditions.push('Timestamp < parseDateTime64BestEffort({until:String}, 9)');
    params.until = filter.until;
  }
  const result = await storage.client.query({
    query: `SELECT
    if(ResponseModel != '', ResponseModel, RequestModel) AS model,
    count() AS calls,
    countIf(IsError) AS errors,
    quantile(0.5)(LatencyMs) AS p50,
    quantile(0.95)(LatencyMs) AS p95,
    sum(ifNull(InputTokens, 0)) AS input_tokens,
    sum(ifNull(OutputTokens, 0)) AS output_tokens,
    if(countIf(CostUsd IS NULL) = count(), NULL, sum(ifNull(CostUsd, 0))) AS cost,
    arraySort(groupUniqArrayIf(PriceModel, PriceModel != '')) AS price_models,
    countIf(PriceModel = '') AS unpriced
  FROM ${storage.table('llm_calls')}
  ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
  GROUP BY model ORDER BY model`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    model: string;
    calls: string;
    errors: string;
    p50: number;
    p95: number;
    input_tokens: string;
    output_tokens: string;
    cost: number | null;
    price_models: string[];
    unpriced: string;
  }>();
  return rows.map((row) => ({
    model: row.model || '(unknown)',
    calls: Number(row.calls),
    errors: Number(row.errors),
    latencyP50Ms: Number(row.p50),
    latencyP95Ms: Number(row.p95),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: row.cost === null ? null : Number(row.cost),
    priceModels: row.price_models,
    unpricedCalls: Number(row.unpriced),
  }));
}

/**
 * One comparison per strategy with two or more traded versions: the active version (else the one with the most
 * trades) against the best-Sharpe other version.
 */
async function strategyComparisons(
  storage: Storage,
  versions: readonly ReportVersion[],
  filter: { since?: string; until?: string; mode?: 'live' | 'paper' | 'backtest' },
): Promise<VersionComparison[]> {
  const byStrategy = new Map<string, ReportVersion[]>();
  for (const v of versions) {
    if (v.stats.trades === 0) continue;
    byStrategy.set(v.stats.strategy_name, [...(byStrategy.get(v.stats.strategy_name) ?? []), v]);
  }
  const comparisons: VersionComparison[] = [];
  for (const [strategyName, candidates] of byStrategy) {
    if (candidates.length < 2) continue;
    const active = await getActiveVersion(storage, strategyName);
    const incumbent =
      candidates.find((c) => c.stats.strategy_version === active?.version) ??
      [...candidates].sort((x, y) => y.stats.trades - x.stats.trades)[0]!;
    const challenger = candidates
      .filter((c) => c !== incumbent)
      .sort((x, y) => (y.stats.sharpe ?? -Infinity) - (x.stats.sharpe ?? -Infinity))[0]!;
    comparisons.push(
      await compareVersions(storage, {
        strategyName,
        a: incumbent.stats.strategy_version,
        b: challenger.stats.strategy_version,
        filter,
      }),
    );
  }
  return comparisons;
}

/** Reads everything the report shows. */
export async function collectReportData(
  storage: Storage,
  filter: StatsFilter = {},
  title = 'tradetrace report',
): Promise<ReportData> {
  const resolved = parseInput(StatsFilterSchema, filter, 'report filter');
  const [stats, series, rewards, symbols] = await Promise.all([
    computeVersionStats(storage, resolved),
    readTradeSeries(storage, resolved),
    readPrimaryRewards(storage, resolved),
    readSymbolBreakdown(storage, resolved),
  ]);
  const versions: ReportVersion[] = stats.map((row) => {
    const key = versionKey(row.strategy_name, row.strategy_version);
    const returns = series.find((s) => versionKey(s.strategyName, s.strategyVersion) === key)?.returns ?? [];
    const estimate = sharpeEstimate(returns);
    const se = sharpeStandardError(estimate);
    const wins = row.win_rate === null ? 0 : Math.round(row.win_rate * row.trades);
    const interval = wilsonInterval(wins, row.trades);
    return {
      label: `${row.strategy_name}@${row.strategy_version}`,
      stats: row,
      equity: equityCurve(returns),
      drawdown: drawdownCurve(returns),
      rewards: rewards.get(key) ?? [],
      winRate: { value: row.win_rate, lower: finiteOrNull(interval.lower), upper: finiteOrNull(interval.upper) },
      sharpe: {
        value: finiteOrNull(estimate.sharpe),
        lower: finiteOrNull(estimate.sharpe - Z95 * se),
        upper: finiteOrNull(estimate.sharpe + Z95 * se),
      },
      symbols: symbols.get(key) ?? [],
    };
  });
  const comparisonFilter = { since: resolved.since, until: resolved.until, mode: resolved.mode };
  const [llmModels, comparisons, searches] = await Promise.all([
    readLlmModels(storage, resolved),
    strategyComparisons(storage, versions, comparisonFilter),
    readLatestSearchRuns(storage, resolved.strategyName),
  ]);
  return { title, generatedAt: new Date().toISOString(), versions, llmModels, comparisons, searches };
}
