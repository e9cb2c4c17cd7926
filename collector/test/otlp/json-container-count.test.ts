import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsJsonContainers } from '../../src/otlp/json-container-count.ts';

const text = (value: string) => Buffer.from(value);
/** Objects and arrays of a parsed JSON value, counted by walking it. */
function containers(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((n: number, item) => n + containers(item), 0);
  if (value !== null && typeof value === 'object')
    return 1 + Object.values(value).reduce((n: number, item) => n + containers(item), 0);
  return 0;
}

describe('counting the objects and arrays of a JSON body before parsing it', () => {
  it('counts only outside strings, whatever they hold (braces, escaped quotes, backslashes)', () => {
    const body = text(JSON.stringify({ a: ['{[', '\\', '"{"', '\\"[', { b: [] }], c: '}{\\\\' }));
    // {}, [], {}, [] = 4 containers; the strings' 5 brackets do not count.
    expect(exceedsJsonContainers(body, 4)).toBe(false);
    expect(exceedsJsonContainers(body, 3)).toBe(true);
  });

  it('never scans a body too short to exceed the limit (each container takes at least two bytes)', () => {
    expect(exceedsJsonContainers(text('[[[[]]]]'), 4)).toBe(false);
    expect(exceedsJsonContainers(text('[[[[]]]]'), 3)).toBe(true);
  });

  it('agrees with a walk of the parsed value, at the limit and one below', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const body = text(JSON.stringify(value));
        const n = containers(value);
        expect(exceedsJsonContainers(body, n)).toBe(false);
        if (n > 0) expect(exceedsJsonContainers(body, n - 1)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
