import type { ProtobufWireReader } from './protobuf-wire-reader.ts';
import { MAX_TIMESTAMP_NS, MIN_TIMESTAMP_NS } from './span-row-mapper.ts';

const TWO_TO_32 = 0x1_0000_0000;
const NS_PER_SECOND = 1_000_000_000;
const MIN_HIGH = Number(MIN_TIMESTAMP_NS >> 32n);
const MIN_LOW = Number(MIN_TIMESTAMP_NS & 0xffff_ffffn);
const MAX_HIGH = Number(MAX_TIMESTAMP_NS >> 32n);

/**
 * A protobuf `fixed64` nanosecond time as its two 32-bit halves, reused from span to span: a BigInt per time (a span's
 * start and end, each event's time, read again for each column) was much of the transcoder's garbage.
 */
export class Fixed64Time {
  high = 0;
  low = 0;

  clear(): void {
    this.high = this.low = 0;
  }

  /** Reads the field at the reader's position (little-endian: the low half first). */
  read(reader: ProtobufWireReader): void {
    this.low = reader.fixed32();
    this.high = reader.fixed32();
  }

  /** As `isStorableTime`: from MIN_TIMESTAMP_NS to MAX_TIMESTAMP_NS. */
  isStorable(): boolean {
    if (this.high > MAX_HIGH) return false;
    return this.high > MIN_HIGH || (this.high === MIN_HIGH && this.low >= MIN_LOW);
  }

  /**
   * Whole seconds, rounded down, computed exactly: `high * 2^32 + low` itself is past 2^53. With
   * 2^32 = 4 * 10^9 + 294,967,296, the seconds are `4 * high` plus those of `high * 294,967,296 + low`, whose high part
   * is split again at 2^15 so that every step stays an exact integer below 2^53.
   */
  seconds(): number {
    const upper = Math.floor(this.high / 2 ** 15);
    const lower = this.high % 2 ** 15;
    // high * 294,967,296 + low = upper * 294,967,296 * 2^15 + (lower * 294,967,296 + low)
    const upperProduct = upper * 294_967_296;
    const upperSeconds = Math.floor(upperProduct / NS_PER_SECOND);
    const rest = (upperProduct % NS_PER_SECOND) * 2 ** 15 + lower * 294_967_296 + this.low;
    return 4 * this.high + upperSeconds * 2 ** 15 + Math.floor(rest / NS_PER_SECOND);
  }

  /**
   * `this - other` in nanoseconds as a number: the two differences are exact doubles and their sum is rounded once,
   * so the result is `Number(this - other)` of the BigInts, exact below 2^53 (104 days).
   */
  minus(other: Fixed64Time): number {
    return (this.high - other.high) * TWO_TO_32 + (this.low - other.low);
  }
}
