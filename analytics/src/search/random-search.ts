import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { SearchDimension, SpacePoint } from './search-space.ts';
import { pointKey, type SearchProposer } from './search-proposer.ts';

/** Draws before giving up on finding a point not drawn yet (a small discrete space runs out). */
const DRAWS_PER_POINT = 50;

/**
 * Points drawn independently from the seeded generator: a listed value uniformly, a continuous range uniformly
 * (geometrically with `log`). The same seed draws the same points; a point is never drawn twice.
 */
export function randomSearch(dimensions: readonly SearchDimension[], seed: number): SearchProposer {
  const rng = xoroshiro128plus(seed);
  const draw = (d: SearchDimension): unknown => {
    if (d.values) return d.values[uniformInt(rng, 0, d.values.length - 1)];
    const { min, max, log, integer } = d.range!;
    const u = uniformFloat64(rng);
    const value = log ? min * (max / min) ** u : min + (max - min) * u;
    return integer ? Math.round(value) : value;
  };
  let done = false;
  return {
    next(_evaluated, budget) {
      if (done) return [];
      done = true;
      const seen = new Set<string>();
      const points: SpacePoint[] = [];
      for (let attempt = 0; points.length < budget && attempt < budget * DRAWS_PER_POINT; attempt++) {
        const point = dimensions.map(draw);
        const key = pointKey(point);
        if (seen.has(key)) continue;
        seen.add(key);
        points.push(point);
      }
      return points;
    },
  };
}
