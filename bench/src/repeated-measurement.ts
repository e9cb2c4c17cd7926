/** Median and spread of repeated runs of one measurement. */
export interface Measurement {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Median and spread of the samples of one measurement. */
export function summarize(samples: number[]): Measurement {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples };
}
