import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../src/run-demo.ts';

describe('runDemo (small size, end to end on the embedded engine)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-demo-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('traces two strategy versions through the collector and writes one triplet per decision', async () => {
    const lines: string[] = [];
    const result = await runDemo({ dataPath: join(root, 'demo'), candles: 45, seed: 3, log: (line) => lines.push(line) });

    // 2 versions × 3 symbols × (45 candles − 20 warm-up)
    expect(result.decisions).toBe(150);
    expect(result.versions).toHaveLength(2);
    expect(result.versions.map((v) => v.decisions)).toEqual([75, 75]);
    expect(result.triplets).toBe(150);

    const triplets = readFileSync(result.triplesPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(triplets.map((t) => t.decision_id)).size).toBe(150);
    const llm = triplets.filter((t) => t.decision.kind === 'llm');
    expect(llm).toHaveLength(75);
    expect(llm.every((t) => t.decision.llm_calls.length === 1 && t.decision.llm_calls[0].model === 'deepseek-chat')).toBe(true);
    // Every closed trade rewards the decision that opened it, found by decision id.
    const trades = result.versions.reduce((n, v) => n + v.trades, 0);
    const rewarded = triplets.filter((t) => t.reward.match === 'decision_id');
    expect(rewarded).toHaveLength(trades);
    expect(rewarded.every((t) => typeof t.reward.value === 'number' && t.outcome.realized_return === t.reward.value)).toBe(true);
    expect(lines.some((l) => l.includes('triplets: 150'))).toBe(true);
  });

  it('starts from an empty folder on every run', async () => {
    const first = await runDemo({ dataPath: join(root, 'again'), candles: 30, log: () => {} });
    const second = await runDemo({ dataPath: join(root, 'again'), candles: 30, log: () => {} });
    expect(second.decisions).toBe(first.decisions);
    expect(second.triplets).toBe(first.triplets);
  });
});
