/** Moments of a sample, as the issue defines them: plain moment ratios, no small-sample correction. */
export interface SampleMoments {
  count: number;
  mean: number;
  /** Standard deviation with ddof = 1 (NaN below two observations). */
  stdDev: number;
  /** γ3 = m3 / m2^1.5 (NaN when m2 = 0). */
  skewness: number;
  /** γ4 = m4 / m2², RAW kurtosis: 3 for a normal distribution, not the excess kurtosis pandas/scipy report. */
  kurtosis: number;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

export function sampleMoments(values: readonly number[]): SampleMoments {
  const count = values.length;
  const mu = mean(values);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const value of values) {
    const d = value - mu;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const sumSquares = m2;
  m2 /= count;
  m3 /= count;
  m4 /= count;
  return {
    count,
    mean: mu,
    stdDev: count >= 2 ? Math.sqrt(sumSquares / (count - 1)) : Number.NaN,
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : Number.NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : Number.NaN,
  };
}

/** Population variance (ddof = 0). */
export function populationVariance(values: readonly number[]): number {
  const mu = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - mu) ** 2;
  return sum / values.length;
}
