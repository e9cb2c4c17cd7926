import { getPath, type SearchDimension, type SpacePoint } from './search-space.ts';
import { pointKey, type ScoredPoint, type SearchProposer } from './search-proposer.ts';

/** Index of the listed value equal to `value`, else the numerically nearest one, else the first. */
function nearestIndex(values: readonly unknown[], value: unknown): number {
  const exact = values.findIndex((v) => pointKey([v]) === pointKey([value]));
  if (exact >= 0 || typeof value !== 'number') return Math.max(exact, 0);
  let best = 0;
  values.forEach((v, i) => {
    if (typeof v === 'number' && Math.abs(v - value) < Math.abs((values[best] as number) - value)) best = i;
  });
  return best;
}

/**
 * Beam search from the base config: evaluate it, then the neighbours (one dimension one listed value up or down) of
 * the best `width` points so far, and repeat until no unseen neighbour is left or the budget is spent.
 */
export function beamSearch(dimensions: readonly SearchDimension[], base: unknown, width: number): SearchProposer {
  const proposed = new Set<string>();
  const start: SpacePoint = dimensions.map((d) => d.values![nearestIndex(d.values!, getPath(base, d.path))]);
  return {
    next(evaluated: readonly ScoredPoint[], budget) {
      if (proposed.size === 0) {
        proposed.add(pointKey(start));
        return budget > 0 ? [start] : [];
      }
      const beam = [...evaluated].sort((a, b) => b.score - a.score).slice(0, width);
      const batch: SpacePoint[] = [];
      for (const { point } of beam) {
        dimensions.forEach((d, i) => {
          const at = nearestIndex(d.values!, point[i]);
          for (const j of [at - 1, at + 1]) {
            if (j < 0 || j >= d.values!.length || batch.length >= budget) continue;
            const neighbour = point.with(i, d.values![j]);
            const key = pointKey(neighbour);
            if (proposed.has(key)) continue;
            proposed.add(key);
            batch.push(neighbour);
          }
        });
      }
      return batch;
    },
  };
}
