import type { SpacePoint } from './search-space.ts';

/** A trial already run: its point and its in-sample score (higher is better). */
export interface ScoredPoint {
  point: SpacePoint;
  score: number;
}

/**
 * Proposes the next batch of points to evaluate, given every trial run so far; an empty batch ends the search.
 * Batches run in parallel, so a proposer that learns (beam) sees whole rounds, never half of one.
 */
export interface SearchProposer {
  next(evaluated: readonly ScoredPoint[], budget: number): SpacePoint[];
}

/** Same point, same key: trials are never repeated. */
export const pointKey = (point: SpacePoint): string => JSON.stringify(point);
