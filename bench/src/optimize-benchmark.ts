import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearch } from '@tradetrace/analytics';
import { startCollector } from '@tradetrace/collector';
import { generateCandles } from '@tradetrace/demo';
import { once, type Figures } from './repeated-measurement.ts';

const BOT = new URL('./optimize-bench-bot.ts', import.meta.url).pathname;

/**
 * `optimize.trials_per_min`: a fixed grid search as `tradetrace optimize` runs it (every trial traced through an
 * in-process collector on the embedded engine, then the holdout, PBO and the registry), 18 trials over 3,000
 * candles; --quick: 4 trials over 300.
 */
export async function runOptimizeBenchmark({ quick }: { quick: boolean }): Promise<Figures> {
  const candles = generateCandles(
    { symbol: 'BTC/USDT', startPrice: 60_000, volatility: 0.002 },
    quick ? 300 : 3000,
    42,
  );
  const space = quick
    ? { fastWindow: [3, 5], slowWindow: [20], threshold: [0.001, 0.002] }
    : { fastWindow: [3, 5, 8], slowWindow: [20, 40], threshold: [0.001, 0.002, 0.004] };
  const dataPath = mkdtempSync(join(tmpdir(), 'tt-bench-optimize-'));
  const collector = await startCollector({ dataPath, port: 0 });
  try {
    const started = performance.now();
    const result = await runSearch(collector.storage, {
      botModule: BOT,
      markets: [{ symbol: 'BTC/USDT', candles }],
      space,
      base: { engine: 'rule' },
      seed: 1,
      cscvBlocks: quick ? 8 : 16,
      endpoint: collector.url,
      runId: 'bench',
    });
    const minutes = (performance.now() - started) / 60_000;
    return { 'optimize.trials_per_min': once(result.trials.length / minutes) };
  } finally {
    await collector.close();
    rmSync(dataPath, { recursive: true, force: true });
  }
}
