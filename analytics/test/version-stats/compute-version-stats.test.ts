import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertSpanRows, openStorage, runMigrations, type SpanRow, type Storage } from '@tradetrace/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflatedSharpeRatio, probabilisticSharpeRatio } from '../../src/statistics/sharpe-inference.ts';
import { computeVersionStats } from '../../src/version-stats/compute-version-stats.ts';
import { holdDecisionRow, rewardSpanRow, tradeRows, type TradeFixture } from '../support/trading-span-rows.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;

/** Seeded returns so every run stores the same series. */
function series(seed: number, count: number, drift: number): number[] {
  let state = seed;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => drift + (next() - 0.5) * 0.04);
}

const VERSIONS: { strategy: string; version: string; mode: TradeFixture['mode']; returns: number[] }[] = [
  { strategy: 'alpha', version: 'aaaa00000001', mode: 'paper', returns: series(7, 40, 0.002) },
  { strategy: 'alpha', version: 'aaaa00000002', mode: 'paper', returns: series(11, 30, 0.006) },
  { strategy: 'alpha', version: 'aaaa00000003', mode: 'backtest', returns: series(13, 25, -0.001) },
  { strategy: 'beta', version: 'bbbb00000001', mode: 'live', returns: series(17, 12, 0.001) },
];

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-stats-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
  const rows: SpanRow[] = [];
  for (const v of VERSIONS) {
    v.returns.forEach((r, i) => {
      rows.push(
        ...tradeRows({
          strategy: v.strategy,
          version: v.version,
          mode: v.mode,
          decisionId: `${v.version}-${i}`,
          atMs: T0 + i * HOUR,
          realizedReturn: r,
          realizedPnl: r * 1000,
          reward: r * 10,
        }),
      );
    });
    rows.push(holdDecisionRow(v.strategy, v.version, v.mode, `${v.version}-hold`, T0 + 500 * HOUR));
  }
  // A close span without strategy attributes: its decision (matched by id) supplies them.
  const [decision, close] = tradeRows({
    strategy: 'beta',
    version: 'bbbb00000001',
    mode: 'live',
    decisionId: 'orphan-close',
    atMs: T0 + 600 * HOUR,
    realizedReturn: 0.01,
    realizedPnl: 10,
  });
  delete close!.SpanAttributes['trading.strategy.name'];
  delete close!.SpanAttributes['trading.strategy.version'];
  rows.push(decision!, close!, rewardSpanRow('orphan-close', 5, T0 + 601 * HOUR));
  VERSIONS[3]!.returns.push(0.01);
  await insertSpanRows(storage, rows);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
function shape(xs: number[]) {
  const mu = mean(xs);
  const m = (k: number) => xs.reduce((a, x) => a + (x - mu) ** k, 0) / xs.length;
  return { skewness: m(3) / m(2) ** 1.5, kurtosis: m(4) / m(2) ** 2 };
}

describe('computeVersionStats', () => {
  it('returns one row per strategy version with the fixed field names', async () => {
    const stats = await computeVersionStats(storage);
    expect(stats.map((s) => `${s.strategy_name}@${s.strategy_version}`)).toEqual(
      VERSIONS.map((v) => `${v.strategy}@${v.version}`),
    );
    expect(Object.keys(stats[0]!).sort()).toEqual(
      [
        'strategy_name',
        'strategy_version',
        'decisions',
        'trades',
        'win_rate',
        'total_pnl',
        'mean_return',
        'sharpe',
        'sortino',
        'max_drawdown',
        'profit_factor',
        'expectancy',
        'psr',
        'dsr',
        'min_trl',
        'mean_reward',
      ].sort(),
    );
  });

  it('computes the per-version figures from the stored close spans, in close order', async () => {
    const stats = await computeVersionStats(storage);
    for (const v of VERSIONS) {
      const row = stats.find((s) => s.strategy_version === v.version)!;
      expect(row.trades).toBe(v.returns.length);
      expect(row.decisions).toBe(v.returns.length + 1);
      expect(row.win_rate).toBeCloseTo(v.returns.filter((r) => r > 0).length / v.returns.length, 12);
      expect(row.total_pnl).toBeCloseTo(
        v.returns.reduce((a, r) => a + r * 1000, 0),
        6,
      );
      expect(row.sharpe).toBeCloseTo(mean(v.returns) / sd(v.returns), 10);
      const { skewness, kurtosis } = shape(v.returns);
      expect(row.psr).toBeCloseTo(
        probabilisticSharpeRatio({
          sharpe: mean(v.returns) / sd(v.returns),
          observations: v.returns.length,
          skewness,
          kurtosis,
        }),
        10,
      );
    }
  });

  it('deflates over the versions of the same strategy in the output; one version alone has dsr null', async () => {
    const stats = await computeVersionStats(storage);
    const alpha = VERSIONS.filter((v) => v.strategy === 'alpha');
    const sharpes = alpha.map((v) => mean(v.returns) / sd(v.returns));
    const variance = sharpes.reduce((a, s) => a + (s - mean(sharpes)) ** 2, 0) / sharpes.length;
    for (const v of alpha) {
      const { skewness, kurtosis } = shape(v.returns);
      const expected = deflatedSharpeRatio(
        { sharpe: mean(v.returns) / sd(v.returns), observations: v.returns.length, skewness, kurtosis },
        variance,
        alpha.length,
      );
      expect(stats.find((s) => s.strategy_version === v.version)!.dsr).toBeCloseTo(expected, 10);
    }
    expect(stats.find((s) => s.strategy_name === 'beta')!.dsr).toBeNull();
  });

  it('narrows by --mode (and the DSR then deflates over the remaining versions only)', async () => {
    const paper = await computeVersionStats(storage, { mode: 'paper' });
    expect(paper.map((s) => s.strategy_version)).toEqual(['aaaa00000001', 'aaaa00000002']);
    const all = await computeVersionStats(storage);
    expect(paper[0]!.sharpe).toBeCloseTo(all[0]!.sharpe!, 12);
    expect(paper[0]!.dsr).not.toBeCloseTo(all[0]!.dsr!, 6);
  });

  it('annualizes sharpe and sortino only when asked, keeping PSR per trade; filters versions given as a query string', async () => {
    const [perTrade] = await computeVersionStats(storage, { versions: ['aaaa00000001'] });
    const [annual] = await computeVersionStats(storage, {
      versions: 'aaaa00000001,zzzz' as never,
      periodsPerYear: '252' as never,
    });
    expect(annual!.strategy_version).toBe('aaaa00000001');
    expect(annual!.sharpe).toBeCloseTo(perTrade!.sharpe! * Math.sqrt(252), 10);
    expect(annual!.sortino).toBeCloseTo(perTrade!.sortino! * Math.sqrt(252), 10);
    expect(annual!.psr).toBe(perTrade!.psr);
  });

  it('narrows by --since/--until', async () => {
    const window = await computeVersionStats(storage, {
      since: new Date(T0 + 10 * HOUR).toISOString(),
      until: new Date(T0 + 20 * HOUR).toISOString(),
    });
    const first = window.find((s) => s.strategy_version === 'aaaa00000001')!;
    expect(first.trades).toBe(10);
    expect(first.decisions).toBe(10);
  });

  it('counts the primary reward once per event and averages it', async () => {
    const stats = await computeVersionStats(storage);
    const v = VERSIONS[0]!;
    expect(stats[0]!.mean_reward).toBeCloseTo(mean(v.returns.map((r) => r * 10)), 10);
    // beta: its event rewards plus one late reward span (attributes and event: one reward), strategy from its decision.
    const betaRewards = [...VERSIONS[3]!.returns.slice(0, -1).map((r) => r * 10), 5];
    expect(stats.find((s) => s.strategy_name === 'beta')!.mean_reward).toBeCloseTo(mean(betaRewards), 10);
  });

  it('rejects a malformed filter naming the field', async () => {
    await expect(computeVersionStats(storage, { since: 'last tuesday' })).rejects.toThrow(/since/);
    await expect(computeVersionStats(storage, { mode: 'demo' as never })).rejects.toMatchObject({
      code: 'TT_ANALYTICS_BAD_INPUT',
    });
  });
});
