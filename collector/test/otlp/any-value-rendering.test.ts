import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNumber } from '../../src/otlp/any-value-rendering.ts';

describe('renderNumber', () => {
  it('gives the text String gives, for every double', () => {
    for (const value of [0, -0, -1, 0.1, 1 / 3, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 2 ** 53 + 2, Number.NaN]) {
      expect(renderNumber(value)).toBe(String(value));
    }
    for (const value of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(renderNumber(value)).toBe(String(value));
    }
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (value) => {
        expect(renderNumber(value)).toBe(String(value));
      }),
    );
  });
});
