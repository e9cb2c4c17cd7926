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

/** Figures by key (`collector.spans_per_s`, ...), each with its spread; a figure measured once has one sample. */
export type Figures = Record<string, Measurement>;

/** A figure measured once, or derived from other figures. */
export function once(value: number): Measurement {
  return summarize([value]);
}

/** Each value of a figure set measured once. */
export function measuredOnce(values: Record<string, number>): Figures {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, once(value)]));
}
