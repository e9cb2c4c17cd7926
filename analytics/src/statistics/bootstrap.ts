import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A point estimate with a percentile bootstrap confidence interval. */
export interface BootstrapInterval {
  estimate: number;
  lower: number;
  upper: number;
  /** Resamples whose statistic was finite; the interval comes from these. */
  resamples: number;
}

export interface TwoSampleBootstrapOptions {
  /** Resamples drawn. Default 2000. */
  resamples?: number;
  /** Two-sided confidence level. Default 0.95. */
  confidence?: number;
  /** Seed of the generator, so the same data give the same interval. Default 1. */
  seed?: number;
}

/**
 * Percentile bootstrap of statistic(b) − statistic(a) for two independent samples (each resampled with replacement
 * within itself). NaN bounds when either sample is empty or no resample gives a finite statistic.
 */
export function bootstrapDifference(
  a: readonly number[],
  b: readonly number[],
  statistic: (sample: readonly number[]) => number,
  options: TwoSampleBootstrapOptions = {},
): BootstrapInterval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const estimate = statistic(b) - statistic(a);
  if (a.length === 0 || b.length === 0) return { estimate, lower: Number.NaN, upper: Number.NaN, resamples: 0 };
  const rng = xoroshiro128plus(options.seed ?? 1);
  const resample = (sample: readonly number[]): number[] => {
    const out = new Array<number>(sample.length);
    for (let i = 0; i < sample.length; i++) out[i] = sample[uniformInt(rng, 0, sample.length - 1)]!;
    return out;
  };
  const differences: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const difference = statistic(resample(b)) - statistic(resample(a));
    if (Number.isFinite(difference)) differences.push(difference);
  }
  if (differences.length === 0) return { estimate, lower: Number.NaN, upper: Number.NaN, resamples: 0 };
  differences.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  return {
    estimate,
    lower: quantileSorted(differences, tail),
    upper: quantileSorted(differences, 1 - tail),
    resamples: differences.length,
  };
}

/** Linear-interpolated quantile of an ascending array. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}
