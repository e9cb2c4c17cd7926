import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapDifference } from '../../src/statistics/bootstrap.ts';
import { maxDrawdown } from '../../src/statistics/equity-curve.ts';
import { sampleMoments } from '../../src/statistics/moments.ts';
import { expectancy, profitFactor, winRate } from '../../src/statistics/pnl-ratios.ts';
import { sharpeRatio, sortinoRatio } from '../../src/statistics/return-ratios.ts';
import {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  minimumTrackRecordLength,
  probabilisticSharpeRatio,
} from '../../src/statistics/sharpe-inference.ts';
import { standardNormalCdf, standardNormalQuantile } from '../../src/statistics/normal-distribution.ts';

// Returns at a precision of 1e-6 (a hundredth of a basis point): avoids subnormal floats that no trade produces.
const returnArb = fc.integer({ min: -500_000, max: 500_000 }).map((micro) => micro / 1e6);
const seriesArb = fc.array(returnArb, { minLength: 3, maxLength: 60 }).filter((xs) => new Set(xs).size > 1);

/** Raw power sums, computed differently from the module (no running deviations). */
function powerSumMoments(xs: number[]) {
  const n = xs.length;
  const s1 = xs.reduce((a, x) => a + x, 0);
  const mu = s1 / n;
  const central = (k: number) => xs.reduce((a, x) => a + (x - mu) ** k, 0) / n;
  const m2 = central(2);
  return {
    mu,
    std: Math.sqrt((m2 * n) / (n - 1)),
    skew: central(3) / Math.sqrt(m2) ** 3,
    kurt: central(4) / m2 ** 2,
  };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe('statistics against independent computations', () => {
  it('sharpe = mean / sample std', () => {
    fc.assert(
      fc.property(seriesArb, (xs) => {
        const { mu, std } = powerSumMoments(xs);
        if (!(std > 1e-12)) return;
        expect(close(sharpeRatio(xs), mu / std)).toBe(true);
      }),
    );
  });

  it('skewness and kurtosis are plain moment ratios; kurtosis is raw (≥ 1, and ≥ skew² + 1)', () => {
    fc.assert(
      fc.property(seriesArb, (xs) => {
        const { skew, kurt } = powerSumMoments(xs);
        const m = sampleMoments(xs);
        if (!Number.isFinite(kurt)) return;
        expect(close(m.skewness, skew)).toBe(true);
        expect(close(m.kurtosis, kurt)).toBe(true);
        expect(m.kurtosis).toBeGreaterThanOrEqual(m.skewness ** 2 + 1 - 1e-9);
      }),
    );
  });

  it('sortino uses downside deviation over all observations', () => {
    fc.assert(
      fc.property(seriesArb, (xs) => {
        const negatives = xs.map((x) => Math.min(x, 0));
        const dd = Math.sqrt(negatives.reduce((a, x) => a + x * x, 0) / xs.length);
        const expected = dd > 0 ? xs.reduce((a, x) => a + x, 0) / xs.length / dd : Number.NaN;
        const actual = sortinoRatio(xs);
        expect(Number.isNaN(expected) ? Number.isNaN(actual) : close(actual, expected)).toBe(true);
      }),
    );
  });

  it('max drawdown equals the brute-force minimum over all peak/trough pairs', () => {
    fc.assert(
      fc.property(fc.array(returnArb, { maxLength: 40 }), (xs) => {
        const equity = [1];
        for (const r of xs) equity.push(equity.at(-1)! * (1 + r));
        let worst = 0;
        for (let t = 0; t < equity.length; t++)
          for (let s = 0; s <= t; s++) worst = Math.min(worst, equity[t]! / equity[s]! - 1);
        const actual = maxDrawdown(xs);
        expect(actual).toBeLessThanOrEqual(0);
        expect(close(actual, worst)).toBe(true);
      }),
    );
  });

  it('profit factor, expectancy, win rate', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -100_000, max: 100_000 }).map((cents) => cents / 100),
          { minLength: 1, maxLength: 50 },
        ),
        (pnls) => {
          const gains = pnls.filter((p) => p > 0).reduce((a, p) => a + p, 0);
          const losses = pnls.filter((p) => p < 0).reduce((a, p) => a + p, 0);
          const pf = profitFactor(pnls);
          if (losses < 0) expect(close(pf, gains / Math.abs(losses))).toBe(true);
          else expect(pf).toBeNaN();
          expect(close(expectancy(pnls), (gains + losses) / pnls.length)).toBe(true);
          expect(winRate(pnls)).toBe(pnls.filter((p) => p > 0).length / pnls.length);
        },
      ),
    );
  });

  it('PSR is Φ of the z-score from the issue formula, and min_trl is where PSR reaches 95%', () => {
    fc.assert(
      fc.property(
        seriesArb.filter((xs) => xs.length >= 5),
        (xs) => {
          const { mu, std, skew, kurt } = powerSumMoments(xs);
          if (!(std > 1e-9)) return;
          const sr = mu / std;
          const shape = 1 - skew * sr + ((kurt - 1) / 4) * sr * sr;
          if (!(shape > 1e-9)) return;
          const estimate = { sharpe: sr, observations: xs.length, skewness: skew, kurtosis: kurt };
          const z = (sr * Math.sqrt(xs.length - 1)) / Math.sqrt(shape);
          expect(close(probabilisticSharpeRatio(estimate), standardNormalCdf(z))).toBe(true);
          const trl = minimumTrackRecordLength(estimate);
          if (sr <= 0) {
            expect(trl).toBeNaN();
          } else if (trl >= 2) {
            // With T = min_trl the PSR is exactly 95%.
            expect(probabilisticSharpeRatio({ ...estimate, observations: trl })).toBeCloseTo(0.95, 9);
          } else {
            // The PSR needs T ≥ 2; a min_trl below that says the shortest such record already clears 95%.
            expect(probabilisticSharpeRatio({ ...estimate, observations: 2 })).toBeGreaterThanOrEqual(0.95);
          }
        },
      ),
      { examples: [[[0.000001, 0.000001, 0.000001, 0.000001, 0.000002]]] },
    );
  });

  it('Φ⁻¹ inverts Φ (where Φ(x) is not rounded to 1 in double precision)', () => {
    fc.assert(
      fc.property(fc.double({ min: -4, max: 4, noNaN: true }), (x) => {
        expect(standardNormalQuantile(standardNormalCdf(x))).toBeCloseTo(x, 6);
      }),
    );
  });

  it('bootstrap interval of a difference contains its estimate and is seed-deterministic', () => {
    fc.assert(
      fc.property(seriesArb, seriesArb, fc.integer({ min: 1, max: 1000 }), (a, b, seed) => {
        const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
        const first = bootstrapDifference(a, b, mean, { seed, resamples: 200 });
        const second = bootstrapDifference(a, b, mean, { seed, resamples: 200 });
        expect(first).toEqual(second);
        expect(first.lower).toBeLessThanOrEqual(first.upper);
        expect(close(first.estimate, mean(b) - mean(a))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('expected maximum Sharpe (DSR benchmark)', () => {
  it('scales with σ and grows with the number of trials; the DSR is the PSR against it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        fc.integer({ min: 2, max: 10_000 }),
        (sigma, trials) => {
          const sr0 = expectedMaxSharpe(sigma * sigma, trials);
          expect(close(sr0, sigma * expectedMaxSharpe(1, trials))).toBe(true);
          expect(expectedMaxSharpe(sigma * sigma, trials + 1)).toBeGreaterThan(sr0);
          const estimate = { sharpe: 0.2, observations: 200, skewness: -0.3, kurtosis: 4 };
          expect(deflatedSharpeRatio(estimate, sigma * sigma, trials)).toBe(probabilisticSharpeRatio(estimate, sr0));
        },
      ),
    );
  });
});
