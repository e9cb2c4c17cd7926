import { standardNormalCdf, standardNormalQuantile } from './normal-distribution.ts';

/** Euler–Mascheroni constant, as Bailey & López de Prado use it in the expected maximum Sharpe ratio. */
const EULER_GAMMA = 0.5772156649;

/** A per-period Sharpe ratio with the shape of the returns it came from. */
export interface SharpeEstimate {
  sharpe: number;
  /** T: number of returns. */
  observations: number;
  /** γ3 = m3 / m2^1.5. */
  skewness: number;
  /** γ4 = m4 / m2², raw (3 for a normal). */
  kurtosis: number;
}

/** 1 − γ3·SR + (γ4 − 1)/4·SR²: the non-normality term of the Sharpe ratio's variance. */
function shapeTerm({ sharpe, skewness, kurtosis }: SharpeEstimate): number {
  return 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
}

/** Probabilistic Sharpe Ratio: P(true SR > benchmark) = Φ((SR − SR*)·√(T−1) / √(1 − γ3·SR + (γ4−1)/4·SR²)). */
export function probabilisticSharpeRatio(estimate: SharpeEstimate, benchmark = 0): number {
  const shape = shapeTerm(estimate);
  if (!(shape > 0) || estimate.observations < 2) return Number.NaN;
  return standardNormalCdf(((estimate.sharpe - benchmark) * Math.sqrt(estimate.observations - 1)) / Math.sqrt(shape));
}

/** Expected maximum Sharpe of N unskilled trials: √V·((1−γ)·Φ⁻¹(1−1/N) + γ·Φ⁻¹(1−1/(N·e))). */
export function expectedMaxSharpe(sharpeVariance: number, trials: number): number {
  if (trials < 2) return Number.NaN;
  return (
    Math.sqrt(sharpeVariance) *
    ((1 - EULER_GAMMA) * standardNormalQuantile(1 - 1 / trials) +
      EULER_GAMMA * standardNormalQuantile(1 - 1 / (trials * Math.E)))
  );
}

/** Deflated Sharpe Ratio: the PSR against the expected maximum Sharpe of `trials` trials with the given variance. */
export function deflatedSharpeRatio(estimate: SharpeEstimate, sharpeVariance: number, trials: number): number {
  return probabilisticSharpeRatio(estimate, expectedMaxSharpe(sharpeVariance, trials));
}

/** Trades needed for `confidence` that the true Sharpe exceeds `benchmark`; NaN when SR ≤ benchmark. */
export function minimumTrackRecordLength(estimate: SharpeEstimate, benchmark = 0, confidence = 0.95): number {
  const edge = estimate.sharpe - benchmark;
  if (!(edge > 0)) return Number.NaN;
  return 1 + shapeTerm(estimate) * (standardNormalQuantile(confidence) / edge) ** 2;
}

/** Standard error of a per-period Sharpe estimate (same non-normality term as the PSR). */
export function sharpeStandardError(estimate: SharpeEstimate): number {
  const shape = shapeTerm(estimate);
  return shape > 0 && estimate.observations >= 2 ? Math.sqrt(shape / (estimate.observations - 1)) : Number.NaN;
}
