import { mean, sampleMoments } from './moments.ts';

/** mean(r) / std(r, ddof=1); NaN when undefined (fewer than two returns or zero spread). */
export function sharpeRatio(returns: readonly number[]): number {
  const { mean: mu, stdDev } = sampleMoments(returns);
  return stdDev > 0 ? mu / stdDev : Number.NaN;
}

/** mean(r) / sqrt(mean(min(r, 0)²)): downside deviation over all observations; NaN without a loss. */
export function sortinoRatio(returns: readonly number[]): number {
  if (returns.length === 0) return Number.NaN;
  let downside = 0;
  for (const r of returns) if (r < 0) downside += r * r;
  const deviation = Math.sqrt(downside / returns.length);
  return deviation > 0 ? mean(returns) / deviation : Number.NaN;
}

/** Scales a per-period ratio to a year of `periodsPerYear` periods (√n rule). */
export function annualize(ratio: number, periodsPerYear: number | undefined): number {
  return periodsPerYear === undefined ? ratio : ratio * Math.sqrt(periodsPerYear);
}
