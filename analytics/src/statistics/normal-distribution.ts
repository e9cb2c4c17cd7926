import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** Φ: the standard normal cumulative distribution function. */
export function standardNormalCdf(x: number): number {
  return normalCdf(x, 0, 1);
}

/** Φ⁻¹: the standard normal quantile function. */
export function standardNormalQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}
