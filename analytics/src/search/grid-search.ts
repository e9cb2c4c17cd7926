import type { SearchDimension, SpacePoint } from './search-space.ts';
import type { SearchProposer } from './search-proposer.ts';

/** Every combination of the dimensions' values, first dimension slowest. */
export function gridPoints(dimensions: readonly SearchDimension[]): SpacePoint[] {
  return dimensions.reduce<SpacePoint[]>(
    (points, dimension) => points.flatMap((point) => (dimension.values ?? []).map((value) => [...point, value])),
    [[]],
  );
}

/** The whole grid in one batch. */
export function gridSearch(dimensions: readonly SearchDimension[]): SearchProposer {
  let done = false;
  return {
    next(_evaluated, budget) {
      if (done) return [];
      done = true;
      return gridPoints(dimensions).slice(0, budget);
    },
  };
}
