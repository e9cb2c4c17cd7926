import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { describe, expect, it } from 'vitest';
import { rankTrials } from '../../src/search/trial-ranking.ts';

/** Moments written out here, not taken from the library: mean, ddof-1 Sharpe, γ3 and raw γ4. */
function moments(r: number[]) {
  const n = r.length;
  const mu = r.reduce((s, x) => s + x, 0) / n;
  const m = (k: number) => r.reduce((s, x) => s + (x - mu) ** k, 0) / n;
  const sd = Math.sqrt(r.reduce((s, x) => s + (x - mu) ** 2, 0) / (n - 1));
  return { sr: mu / sd, n, skew: m(3) / m(2) ** 1.5, kurt: m(4) / m(2) ** 2 };
}

/** DSR = Φ((SR − SR₀)·√(T−1) / √(1 − γ3·SR + (γ4−1)/4·SR²)), SR₀ = √V·((1−γ)Φ⁻¹(1−1/N) + γΦ⁻¹(1−1/(N·e))). */
function deflatedByFormula(sr: number, n: number, skew: number, kurt: number, variance: number, trials: number) {
  const gamma = 0.5772156649;
  const sr0 =
    Math.sqrt(variance) *
    ((1 - gamma) * normalQuantile(1 - 1 / trials, 0, 1) + gamma * normalQuantile(1 - 1 / (trials * Math.E), 0, 1));
  return normalCdf(((sr - sr0) * Math.sqrt(n - 1)) / Math.sqrt(1 - skew * sr + ((kurt - 1) / 4) * sr * sr), 0, 1);
}

describe('rankTrials', () => {
  it('deflates every trial over N trials with the variance of their Sharpe ratios, as the formula says', () => {
    let state = 99;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
    const trials = [0.02, 0.05, 0.1, 0.15, 0.3, -0.05, 0].map((drift) =>
      Array.from({ length: 200 }, () => drift + random() + (random() > 0.45 ? random() : 0)),
    );
    const ranking = rankTrials(trials);
    const m = trials.map(moments);
    const mean = m.reduce((s, x) => s + x.sr, 0) / m.length;
    const variance = m.reduce((s, x) => s + (x.sr - mean) ** 2, 0) / m.length;
    expect(ranking.sharpeVariance).toBeCloseTo(variance, 12);
    for (const [i, x] of m.entries())
      expect(ranking.dsrs[i]).toBeCloseTo(deflatedByFormula(x.sr, x.n, x.skew, x.kurt, variance, trials.length), 10);
    const best = ranking.dsrs.indexOf(Math.max(...ranking.dsrs.map((d) => d ?? -1)));
    expect(ranking.selected).toBe(best);
    const sel = m[best]!;
    expect(ranking.minTrl).toBeCloseTo(
      1 + (1 - sel.skew * sel.sr + ((sel.kurt - 1) / 4) * sel.sr ** 2) * (normalQuantile(0.95, 0, 1) / sel.sr) ** 2,
      8,
    );
  });

  it('gives a trial that never traded a Sharpe of 0 and leaves the DSR undefined for a single trial', () => {
    const flat = rankTrials([new Array(50).fill(0), Array.from({ length: 50 }, (_, i) => (i % 2 ? 0.01 : -0.005))]);
    expect(flat.sharpes[0]).toBe(0);
    expect(flat.selected).toBe(1);
    const single = rankTrials([Array.from({ length: 50 }, (_, i) => (i % 3 ? 0.01 : -0.01))]);
    expect(single.dsrs).toEqual([null]);
    expect(single.selected).toBe(0);
  });
});
