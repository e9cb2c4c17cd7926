import { describe, expect, it } from 'vitest';
import { probabilityOfBacktestOverfitting } from '../../src/statistics/backtest-overfitting.ts';
import { sharpeRatio } from '../../src/statistics/return-ratios.ts';

/** A trial's returns from its four two-candle blocks. */
const fromBlocks = (...blocks: number[][]) => blocks.flat();
const UP = [1, 3];
const DOWN = [-3, -1];
const STEADY = [0, 2];

describe('probabilityOfBacktestOverfitting', () => {
  it('matches a hand-computed CSCV example (S = 4, N = 3)', () => {
    // A wins the first half and loses the second, B the reverse, C earns steadily.
    // Sharpe over two blocks: both UP (or both DOWN) → ±2/√(4/3) = ±1.732; one of each → 0; C always 1/√(4/3) = 0.866.
    // Train {0,1}: A is best (1.732); on test {2,3} A (−1.732) < C (0.866) < B (1.732): rank 1, ω = 1/4, λ = ln(1/3).
    // Train {2,3}: B is best; on test {0,1} B is last again: λ = ln(1/3).
    // The four mixed splits: A = B = 0 < C, C is best in and out of sample: rank 3, ω = 3/4, λ = ln 3.
    // PBO = 2 of 6 combinations with λ ≤ 0 = 1/3.
    const estimate = probabilityOfBacktestOverfitting(
      [fromBlocks(UP, UP, DOWN, DOWN), fromBlocks(DOWN, DOWN, UP, UP), fromBlocks(STEADY, STEADY, STEADY, STEADY)],
      4,
    );
    expect(estimate.combinations).toBe(6);
    expect(estimate.blocks).toBe(4);
    expect(estimate.dropped).toBe(0);
    expect(estimate.pbo).toBeCloseTo(1 / 3, 12);
    // Subsets in lexicographic order: {0,1}, {0,2}, {0,3}, {1,2}, {1,3}, {2,3}.
    const ln3 = Math.log(3);
    const expected = [-ln3, ln3, ln3, ln3, ln3, -ln3];
    for (const [i, l] of estimate.logits.entries()) expect(l).toBeCloseTo(expected[i]!, 12);
  });

  it('agrees with a direct computation on every split (Sharpe of the concatenated blocks, no running sums)', () => {
    let state = 7;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
    const trials = Array.from({ length: 5 }, () => Array.from({ length: 43 }, random));
    const S = 6;
    const estimate = probabilityOfBacktestOverfitting(trials, S);
    const blockLength = Math.floor(43 / S);
    expect(estimate.dropped).toBe(43 - blockLength * S);
    const blockOf = (series: number[], b: number) =>
      series.slice(estimate.dropped + b * blockLength, estimate.dropped + (b + 1) * blockLength);
    const logits: number[] = [];
    for (let mask = 0; mask < 1 << S; mask++) {
      const train = [...Array(S).keys()].filter((b) => mask & (1 << b));
      if (train.length !== S / 2) continue;
      const test = [...Array(S).keys()].filter((b) => !(mask & (1 << b)));
      const sr = (blocks: number[]) => trials.map((t) => sharpeRatio(blocks.flatMap((b) => blockOf(t, b))));
      const trainSr = sr(train);
      const best = trainSr.indexOf(Math.max(...trainSr));
      const testSr = sr(test);
      const rank = testSr.filter((s) => s < testSr[best]!).length + 1;
      logits.push(Math.log(rank / (trials.length + 1) / (1 - rank / (trials.length + 1))));
    }
    expect(estimate.combinations).toBe(20);
    expect([...estimate.logits].sort((a, b) => a - b)).toEqual(logits.sort((a, b) => a - b));
    expect(estimate.pbo).toBe(logits.filter((l) => l <= 0).length / 20);
  });

  it('refuses an odd number of blocks, a single trial and ragged series', () => {
    expect(() =>
      probabilityOfBacktestOverfitting(
        [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
        3,
      ),
    ).toThrow(/even/);
    expect(() => probabilityOfBacktestOverfitting([[1, 2, 3, 4]], 2)).toThrow(/two trials/);
    expect(() =>
      probabilityOfBacktestOverfitting(
        [
          [1, 2, 3, 4],
          [1, 2],
        ],
        2,
      ),
    ).toThrow(/same time grid/);
  });
});
