import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getActiveVersion, listVersions, readAuditTrail } from '../../src/registry/strategy-registry.ts';
import { runSearch, type SearchOptions } from '../../src/search/run-search.ts';
import type { SearchRunResult } from '../../src/search/search-result.ts';
import { readLatestSearchRuns } from '../../src/search/search-run-store.ts';
import { computeVersionStats } from '../../src/version-stats/compute-version-stats.ts';
import { syntheticCandles } from './fixtures/synthetic-market.ts';

const BOT = new URL('./fixtures/momentum-bot.ts', import.meta.url).pathname;
const FILL = { feeRate: 0.0002, slippageBps: 1 };
/** 3 × 6 = 18 trials, all momentum-following: the DSR's trial variance stays about their noise. */
const EDGE_SPACE = { lookback: [1, 2, 3], threshold: [0, 0.001, 0.002, 0.003, 0.004, 0.005] };
/** 12 trials, both directions. */
const WIDE_SPACE = { lookback: [1, 2, 3], follow: [true, false], threshold: [0, 0.003] };

let dataPath: string;
let collector: RunningCollector;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-search-'));
  collector = await startCollector({ dataPath, port: 0 });
});

afterAll(async () => {
  await collector.close();
  rmSync(dataPath, { recursive: true, force: true });
});

const search = (options: Omit<SearchOptions, 'botModule'>, hooks?: Parameters<typeof runSearch>[2]) =>
  runSearch(collector.storage, { botModule: BOT, fill: FILL, concurrency: 2, ...options }, hooks);

/** The parts of a result that depend on the seed and the data only. */
const answer = (r: SearchRunResult) => ({
  trials: r.trials,
  selected: r.selected,
  pbo: r.pbo,
  gate: r.gate,
  equity: r.selected_equity,
});

// Each test runs dozens of real backtests in worker threads; on a busy 2-core machine that takes minutes, not seconds.
describe('runSearch', { timeout: 300_000 }, () => {
  // First, so no version is active yet: nothing may be promoted on data without an edge.
  it('promotes nothing on random walks (several seeds)', async () => {
    for (const seed of [11, 13, 14]) {
      const result = await search({
        markets: [{ symbol: 'RW/USD', candles: syntheticCandles(400, { seed, phi: 0 }) }],
        space: WIDE_SPACE,
        seed,
        promote: true,
        runId: `rw-${seed}`,
      });
      expect(result.trials).toHaveLength(12);
      expect(result.promoted).toBeNull();
      expect(result.gate.some((c) => c.test === 'dsr' && !c.passed)).toBe(true);
      expect(result.reasons.length).toBeGreaterThan(0);
    }
    expect(await getActiveVersion(collector.storage, 'momentum')).toBeNull();
  });

  it('finds a planted edge, registers 18 trials as versions, traces them and promotes with the evidence', async () => {
    const result = await search({
      markets: [{ symbol: 'EDGE/USD', candles: syntheticCandles(600, { seed: 7, phi: 0.3 }) }],
      space: EDGE_SPACE,
      seed: 3,
      promote: true,
      runId: 'edge',
      endpoint: collector.url,
    });
    expect(result.search).toBe('grid');
    expect(result.trials).toHaveLength(18);
    expect(result.holdout).toMatchObject({ in_sample_candles: 420, out_of_sample_candles: 180 });
    expect(result.selected!.dsr).toBeGreaterThanOrEqual(0.95);
    expect(result.pbo!.value).toBeLessThan(0.5);
    expect(result.pbo!.combinations).toBe(12870);
    expect(result.selected!.out_of_sample!.sharpe).toBeGreaterThan(0);
    expect(result.gate.every((c) => c.passed)).toBe(true);
    expect(result.promoted).toBe(result.selected!.version);
    expect((result.selected!.config as { lookback: number }).lookback).toBe(1);

    // A version is its config's content hash: a config an earlier search tried keeps that search's note.
    const trialVersions = new Set(result.trials.map((t) => t.version));
    const registered = (await listVersions(collector.storage, 'momentum')).filter((v) => trialVersions.has(v.version));
    expect(trialVersions.size).toBe(18);
    expect(registered).toHaveLength(18);
    expect(registered.every((v) => /^search run (edge|rw-\d+): trial \d+ \(grid, seed \d+\)$/.test(v.note))).toBe(true);
    const promotion = (await readAuditTrail(collector.storage, 'momentum')).at(-1)!;
    expect(promotion).toMatchObject({ action: 'promote', version: result.promoted });
    const evidence = JSON.parse(promotion.reason.replace('search evidence ', ''));
    expect(evidence).toMatchObject({ kind: 'search', run: 'edge', trials: 18, pbo: result.pbo!.value });
    expect((await getActiveVersion(collector.storage, 'momentum'))!.version).toBe(result.promoted);

    // Every trial's backtest is traced like any backtest: stats see all 18 versions in backtest mode.
    expect(await collector.drain(30_000)).toBe(true);
    const stats = await computeVersionStats(collector.storage, { mode: 'backtest', strategyName: 'momentum' });
    expect(stats.filter((s) => result.trials.some((t) => t.version === s.strategy_version))).toHaveLength(18);
    const [stored] = await readLatestSearchRuns(collector.storage, 'momentum');
    expect(stored!.run_id).toBe('edge');
    expect(stored!.promoted).toBe(result.promoted);
  });

  it('gives the same trials and the same answer for the same seed and data, across two markets', async () => {
    const markets = [
      { symbol: 'A/USD', candles: syntheticCandles(300, { seed: 21, phi: 0 }) },
      { symbol: 'B/USD', candles: syntheticCandles(300, { seed: 22, phi: 0 }) },
    ];
    const run = (seed: number, runId: string) =>
      search({ markets, space: WIDE_SPACE, search: 'random', trials: 5, seed, runId, cscvBlocks: 8 });
    const first = await run(5, 'same-a');
    const second = await run(5, 'same-b');
    const other = await run(6, 'other');
    expect(first.trials).toHaveLength(5);
    expect(first.markets.map((m) => m.symbol)).toEqual(['A/USD', 'B/USD']);
    expect(answer(second)).toEqual(answer(first));
    expect(other.trials.map((t) => t.version)).not.toEqual(first.trials.map((t) => t.version));
  });

  it('stops on abort, keeping and registering the finished trials and promoting nothing', async () => {
    const controller = new AbortController();
    const result = await search(
      {
        markets: [{ symbol: 'EDGE/USD', candles: syntheticCandles(300, { seed: 8, phi: 0.3 }) }],
        space: { lookback: [1, 2, 3, 4], threshold: [0.0005, 0.0015, 0.0025, 0.0035, 0.0045] },
        promote: true,
        runId: 'aborted',
      },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    expect(result.interrupted).toBe(true);
    expect(result.trials.length).toBeGreaterThan(0);
    expect(result.trials.length).toBeLessThan(20);
    expect(result.trials.every((t) => t.out_of_sample === null)).toBe(true);
    expect(result.promoted).toBeNull();
    expect(result.gate.find((c) => c.test === 'complete')!.passed).toBe(false);
    const registered = (await listVersions(collector.storage, 'momentum')).filter((v) => v.note.includes('aborted'));
    expect(registered).toHaveLength(result.trials.length);
  });

  it("rejects a space value the strategy's schema refuses, naming the field, before any backtest", async () => {
    await expect(
      search({
        markets: [{ symbol: 'X/USD', candles: syntheticCandles(100, { seed: 1, phi: 0 }) }],
        space: { lookback: [1, 0] },
        runId: 'bad',
      }),
    ).rejects.toMatchObject({
      code: 'TT_ANALYTICS_BAD_SEARCH_SPACE',
      message: expect.stringMatching(/field "lookback"/),
    });
    expect((await listVersions(collector.storage, 'momentum')).filter((v) => v.note.includes('run bad'))).toEqual([]);
  });
});
