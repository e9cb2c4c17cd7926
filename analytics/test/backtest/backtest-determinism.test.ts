import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTriplets, type Triplet } from '@tradetrace/adapters';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../../src/backtest/candle.ts';
import { parseOhlcvCsv } from '../../src/backtest/ohlcv-csv.ts';
import { runBacktests } from '../../src/backtest/run-backtests.ts';
import type { BacktestResult } from '../../src/backtest/backtest-result.ts';
import { computeVersionStats } from '../../src/version-stats/compute-version-stats.ts';

const BOT = new URL('./fixtures/sma-cross-bot.ts', import.meta.url).pathname;
const CONFIGS = [
  { fast: 3, slow: 8 },
  { fast: 5, slow: 20 },
];

/** A seeded random walk written as CSV, so the test reads candles the way a user's file is read. */
function syntheticCsv(count: number): string {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let price = 100;
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < count; i++) {
    const open = price;
    price = Math.max(1, price * (1 + (random() - 0.5) * 0.04));
    const high = Math.max(open, price) * (1 + random() * 0.005);
    const low = Math.min(open, price) * (1 - random() * 0.005);
    lines.push(`${1_700_000_000_000 + i * 60_000},${open},${high},${low},${price},${(random() * 10).toFixed(3)}`);
  }
  return lines.join('\n');
}

let dataPath: string;
let collector: RunningCollector;
let candles: Candle[];

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-backtest-'));
  collector = await startCollector({ dataPath, port: 0 });
  candles = parseOhlcvCsv(syntheticCsv(150), 'synthetic.csv');
});

afterAll(async () => {
  await collector.close();
  rmSync(dataPath, { recursive: true, force: true });
});

const withoutRunId = (results: BacktestResult[]) =>
  results.map((r) => ({
    ...r,
    runId: undefined,
    trades: r.trades.map((t) => ({ ...t, decisionId: t.decisionId.replace(`${r.runId}:`, '') })),
  }));

describe('runBacktests', () => {
  it('replays two versions in worker threads deterministically: same seed, same trades and same triplets', async () => {
    const run = (runId: string, seed: number, configs = CONFIGS) =>
      runBacktests({
        botModule: BOT,
        configs,
        candles,
        seed,
        runId,
        endpoint: collector.url,
        symbol: 'BTC/USDT',
        concurrency: 2,
      });
    const first = await run('run-a', 42);
    const second = await run('run-b', 42);
    const otherSeed = await run('run-c', 43, CONFIGS.slice(0, 1));

    expect(first.map((r) => r.decisions)).toEqual([candles.length, candles.length]);
    expect([...first, ...second, ...otherSeed].map((r) => r.droppedSpans)).toEqual([0, 0, 0, 0, 0]);
    expect(first.every((r) => r.trades.length > 3)).toBe(true);
    expect(new Set(first.map((r) => r.strategyVersion)).size).toBe(2);
    expect(withoutRunId(second)).toEqual(withoutRunId(first));
    // Another seed draws other slippage: same signals, different fills.
    expect(otherSeed[0]!.trades.map((t) => t.decisionId.replace('run-c:', ''))).toEqual(
      first[0]!.trades.map((t) => t.decisionId.replace('run-a:', '')),
    );
    expect(otherSeed[0]!.totalPnl).not.toBe(first[0]!.totalPnl);

    // What landed in ClickHouse through the SDK, the OTLP exporter and the collector.
    await collector.close();
    const { openStorage } = await import('@tradetrace/storage');
    const storage = await openStorage({ dataPath });
    try {
      const triplets: Triplet[] = [];
      for await (const triplet of readTriplets(storage)) triplets.push(triplet);
      const comparable = (runId: string) =>
        triplets
          .filter((t) => t.decision_id.startsWith(`${runId}:`))
          .map((t) => ({
            id: t.decision_id.slice(runId.length + 1),
            strategy: [t.strategy_name, t.strategy_version],
            mode: t.mode,
            decision: t.decision,
            context: t.context,
            reward: t.reward,
            outcome: t.outcome,
          }))
          .sort((x, y) => x.id.localeCompare(y.id));
      const a = comparable('run-a');
      expect(a).toHaveLength(2 * candles.length);
      expect(new Set(a.map((t) => t.mode))).toEqual(new Set(['backtest']));
      expect(comparable('run-b')).toEqual(a);
      expect(comparable('run-c')).not.toEqual(a);

      const stats = await computeVersionStats(storage, { mode: 'backtest' });
      for (const result of first) {
        const row = stats.find((s) => s.strategy_version === result.strategyVersion)!;
        // run-a and run-b replay both versions, run-c only the first: trades (and decisions) add up across runs.
        const runs = result === first[0] ? [first[0], second[0]!, otherSeed[0]!] : [result, second[1]!];
        expect(row.trades).toBe(runs.reduce((sum, r) => sum + r.trades.length, 0));
        expect(row.decisions).toBe(candles.length * runs.length);
      }
    } finally {
      await storage.close();
    }
  });
});
