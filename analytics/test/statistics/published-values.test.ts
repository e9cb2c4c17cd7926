import { describe, expect, it } from 'vitest';
import { maxDrawdown } from '../../src/statistics/equity-curve.ts';
import { annualize, sharpeRatio } from '../../src/statistics/return-ratios.ts';
import {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  probabilisticSharpeRatio,
} from '../../src/statistics/sharpe-inference.ts';

// empyrical's test series: daily returns in percent, the leading NaN is dropped as empyrical does.
const EMPYRICAL_DAILY = [Number.NaN, 1, 10, -4, 2, 3, 2, 1, -10].map((p) => p / 100).filter((r) => !Number.isNaN(r));
const NORMAL_SR_114 = { sharpe: 1.14, observations: 250, skewness: 0, kurtosis: 3 };

describe('published values', () => {
  it('annualized Sharpe of empyrical series matches empyrical (252 periods)', () => {
    expect(annualize(sharpeRatio(EMPYRICAL_DAILY), 252)).toBeCloseTo(1.7238613961706866, 12);
  });

  it('max drawdown of empyrical series is -0.1', () => {
    expect(maxDrawdown(EMPYRICAL_DAILY)).toBeCloseTo(-0.1, 12);
  });

  it('PSR(SR=1.14 vs 1, T=250, normal) = 0.95727 (Bailey & López de Prado)', () => {
    // Published to five digits, truncated (0.957278...).
    expect(Math.abs(probabilisticSharpeRatio(NORMAL_SR_114, 1) - 0.95727)).toBeLessThan(1e-5);
  });

  it('expected max Sharpe of 100 trials with σ=0.4 is 1.012241', () => {
    expect(expectedMaxSharpe(0.4 ** 2, 100)).toBeCloseTo(1.012241, 6);
  });

  it('DSR of SR 1.14 (T=250, normal) against 100 trials with σ=0.4 is 0.941740', () => {
    expect(deflatedSharpeRatio(NORMAL_SR_114, 0.4 ** 2, 100)).toBeCloseTo(0.94174, 5);
  });
});
