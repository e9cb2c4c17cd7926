/** What combinatorially symmetric cross-validation (CSCV) found. */
export interface OverfittingEstimate {
  /** Share of combinations whose in-sample best trial ranks at or below the median out of sample (λ ≤ 0). */
  pbo: number;
  /** λ = ln(ω / (1 − ω)) per combination, ω the relative out-of-sample rank of the in-sample best. */
  logits: number[];
  /** S: contiguous blocks the period was cut into. */
  blocks: number;
  /** C(S, S/2): every half/half split of the blocks. */
  combinations: number;
  /** Leading observations dropped so every block has the same length. */
  dropped: number;
}

/** Every `size`-subset of 0..n−1, in lexicographic order. */
function* subsets(n: number, size: number): Generator<number[]> {
  const pick = Array.from({ length: size }, (_, i) => i);
  while (true) {
    yield [...pick];
    let i = size - 1;
    while (i >= 0 && pick[i] === n - size + i) i--;
    if (i < 0) return;
    pick[i]!++;
    for (let j = i + 1; j < size; j++) pick[j] = pick[j - 1]! + 1;
  }
}

/** Sharpe ratio (ddof = 1) from count, sum and sum of squares; 0 when the returns do not vary (a trial that never trades). */
function sharpeFromSums(n: number, sum: number, sumSquares: number): number {
  if (n < 2) return 0;
  const mean = sum / n;
  const variance = (sumSquares - n * mean * mean) / (n - 1);
  return variance > 1e-30 ? mean / Math.sqrt(variance) : 0;
}

/**
 * Probability of backtest overfitting (Bailey, Borwein, López de Prado & Zhu, 2014), by CSCV over a
 * trials × observations matrix of returns on one common time grid. The observations are cut into `blocks` (S, even)
 * contiguous blocks of equal length (the oldest T mod S observations are dropped); for each of the C(S, S/2) ways to
 * pick half the blocks as the training set, the trial with the best training Sharpe is ranked among all trials by
 * its Sharpe on the other half. ω = rank / (N + 1), ranks 1..N ascending with ties given their mean rank.
 */
export function probabilityOfBacktestOverfitting(
  returns: readonly (readonly number[])[],
  blocks: number,
): OverfittingEstimate {
  const trials = returns.length;
  const length = returns[0]?.length ?? 0;
  if (blocks < 2 || blocks % 2 !== 0) throw new RangeError(`CSCV needs an even number of blocks, got ${blocks}`);
  if (trials < 2) throw new RangeError('CSCV needs at least two trials');
  if (returns.some((r) => r.length !== length)) throw new RangeError('every trial needs returns on the same time grid');
  const blockLength = Math.floor(length / blocks);
  if (blockLength < 1)
    throw new RangeError(`CSCV with ${blocks} blocks needs at least ${blocks} observations, got ${length}`);
  const dropped = length - blockLength * blocks;
  // Per trial and block: sum and sum of squares, so a half's Sharpe costs S/2 additions instead of T/2.
  const sums = returns.map((series) =>
    Array.from({ length: blocks }, (_, b) => {
      let sum = 0;
      let sumSquares = 0;
      for (let t = dropped + b * blockLength; t < dropped + (b + 1) * blockLength; t++) {
        sum += series[t]!;
        sumSquares += series[t]! * series[t]!;
      }
      return { sum, sumSquares };
    }),
  );
  const halfSharpe = (trial: number, chosen: readonly number[]) => {
    let sum = 0;
    let sumSquares = 0;
    for (const b of chosen) {
      sum += sums[trial]![b]!.sum;
      sumSquares += sums[trial]![b]!.sumSquares;
    }
    return sharpeFromSums(chosen.length * blockLength, sum, sumSquares);
  };
  const logits: number[] = [];
  for (const train of subsets(blocks, blocks / 2)) {
    const inTrain = new Set(train);
    const test = Array.from({ length: blocks }, (_, b) => b).filter((b) => !inTrain.has(b));
    let best = 0;
    let bestSharpe = Number.NEGATIVE_INFINITY;
    for (let n = 0; n < trials; n++) {
      const sharpe = halfSharpe(n, train);
      if (sharpe > bestSharpe) [best, bestSharpe] = [n, sharpe];
    }
    const testSharpes = Array.from({ length: trials }, (_, n) => halfSharpe(n, test));
    const chosen = testSharpes[best]!;
    const below = testSharpes.filter((s) => s < chosen).length;
    const ties = testSharpes.filter((s) => s === chosen).length;
    const omega = (below + (ties + 1) / 2) / (trials + 1);
    logits.push(Math.log(omega / (1 - omega)));
  }
  return {
    pbo: logits.filter((l) => l <= 0).length / logits.length,
    logits,
    blocks,
    combinations: logits.length,
    dropped,
  };
}
