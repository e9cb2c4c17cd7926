import { describe, expect, it } from 'vitest';
import { beamSearch } from '../../src/search/beam-search.ts';
import { gridPoints } from '../../src/search/grid-search.ts';
import { randomSearch } from '../../src/search/random-search.ts';
import { applyPoint, gridSize, parseSearchSpace } from '../../src/search/search-space.ts';

describe('parseSearchSpace', () => {
  it('reads lists, linear and log ranges and nested fields', () => {
    const dims = parseSearchSpace({
      fast: [3, 5],
      slow: { min: 10, max: 30, step: 10 },
      risk: { stop: { min: 0.001, max: 0.1, count: 3, log: true } },
      size: { min: 1, max: 2 },
    });
    expect(dims.map((d) => d.path.join('.'))).toEqual(['fast', 'slow', 'risk.stop', 'size']);
    expect(dims[1]!.values).toEqual([10, 20, 30]);
    expect(dims[2]!.values).toEqual([0.001, 0.01, 0.1]);
    expect(dims[3]!.values).toBeUndefined();
    expect(gridSize(dims)).toBe(Number.POSITIVE_INFINITY);
    expect(applyPoint({ risk: { stop: 1, keep: true }, other: 1 }, dims, [5, 20, 0.01, 1.5])).toEqual({
      fast: 5,
      slow: 20,
      risk: { stop: 0.01, keep: true },
      size: 1.5,
      other: 1,
    });
  });

  it('names the field of a bad dimension', () => {
    expect(() => parseSearchSpace({ fast: [] })).toThrow(/field "fast": lists no candidate values/);
    expect(() => parseSearchSpace({ a: { b: { min: 5, max: 1, step: 1 } } })).toThrow(/field "a.b": max must be ≥ min/);
    expect(() => parseSearchSpace({ x: { min: 0, max: 1, count: 3, log: true } })).toThrow(
      /log-scale range needs min > 0/,
    );
    expect(() => parseSearchSpace({ x: 3 })).toThrow(/field "x": 3 is neither/);
    expect(() => parseSearchSpace({})).toThrow(/no dimension/);
  });
});

describe('searches', () => {
  const dims = parseSearchSpace({ a: [1, 2, 3], b: ['x', 'y'], c: [true, false, null] });

  it('grid: every combination, first dimension slowest', () => {
    const points = gridPoints(dims);
    expect(points).toHaveLength(18);
    expect(points.slice(0, 3)).toEqual([
      [1, 'x', true],
      [1, 'x', false],
      [1, 'x', null],
    ]);
  });

  it('random: the same seed draws the same distinct points, another seed others', () => {
    const draw = (seed: number) => randomSearch(dims, seed).next([], 10);
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
    expect(new Set(draw(5).map((p) => JSON.stringify(p))).size).toBe(10);
    // A space smaller than the budget runs out instead of repeating.
    expect(randomSearch(dims, 1).next([], 100)).toHaveLength(18);
  });

  it('beam: starts at the base config, then tries the neighbours of the best points', () => {
    const beam = beamSearch(dims, { a: 2, b: 'y', c: false }, 1);
    expect(beam.next([], 10)).toEqual([[2, 'y', false]]);
    const round = beam.next([{ point: [2, 'y', false], score: 1 }], 10);
    expect(round).toEqual([
      [1, 'y', false],
      [3, 'y', false],
      [2, 'x', false],
      [2, 'y', true],
      [2, 'y', null],
    ]);
    const next = beam.next(
      [
        { point: [2, 'y', false], score: 1 },
        { point: [3, 'y', false], score: 2 },
      ],
      10,
    );
    expect(next).toEqual([
      [3, 'x', false],
      [3, 'y', true],
      [3, 'y', null],
    ]);
  });
});
