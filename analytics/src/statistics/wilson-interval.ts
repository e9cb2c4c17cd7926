import { standardNormalQuantile } from './normal-distribution.ts';

/** Wilson score interval of a proportion: stays inside [0, 1] and behaves with few trials, unlike p ± z·se. */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): { lower: number; upper: number } {
  if (trials === 0) return { lower: Number.NaN, upper: Number.NaN };
  const z = standardNormalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { lower: Math.max(0, centre - margin), upper: Math.min(1, centre + margin) };
}
