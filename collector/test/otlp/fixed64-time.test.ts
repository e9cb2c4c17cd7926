import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fixed64Time } from '../../src/otlp/fixed64-time.ts';

function timeOf(nanoseconds: bigint): Fixed64Time {
  const time = new Fixed64Time();
  time.high = Number(nanoseconds >> 32n);
  time.low = Number(nanoseconds & 0xffff_ffffn);
  return time;
}

describe('Fixed64Time.seconds', () => {
  it('is the nanoseconds divided by 10^9 and rounded down, exactly, over the whole 64-bit range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (nanoseconds) => {
        expect(timeOf(nanoseconds).seconds()).toBe(Number(nanoseconds / 1_000_000_000n));
      }),
      { numRuns: 5000 },
    );
  });

  it('is exact on either side of a second, where a double of the nanoseconds would round across it', () => {
    for (const second of [1_765_000_000n, 1_765_000_001n, 4_294_967_295n, 4_294_967_296n]) {
      const boundary = second * 1_000_000_000n;
      expect(timeOf(boundary - 1n).seconds()).toBe(Number(second) - 1);
      expect(timeOf(boundary).seconds()).toBe(Number(second));
      expect(timeOf(boundary + 1n).seconds()).toBe(Number(second));
    }
  });
});
