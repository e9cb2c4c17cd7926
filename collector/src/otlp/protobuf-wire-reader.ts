import { renderNumber } from './any-value-rendering.ts';
import { OtlpDecodeError } from './decoded-spans.ts';

// ignoreBOM: a leading U+FEFF is part of the text (the default drops it, which JSON requests and copied bytes keep).
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Strings that recur from span to span (attribute keys, span and event names, enum-like values) are looked up in a
 * small direct-mapped cache by a hash of their bytes instead of being built again: a bot's spans repeat the same few
 * dozen, and fresh copies were most of the decoder's allocations. Keys are cached internalized, as property keys are
 * stored, so adding them to attribute maps needs no string-table lookup.
 */
const CACHE_SLOTS = 4096;
const MAX_CACHED_BYTES = 64;
const cachedKeys: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS).fill(undefined);
const cachedValues: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS).fill(undefined);

function internalized(value: string): string {
  return Object.keys({ [value]: 0 })[0]!;
}

/** The protobuf wire format, read straight off a buffer: just what OTLP messages need, with bounds checks. */
export class ProtobufWireReader {
  readonly buf: Buffer;
  pos: number;
  /** End of the message being read: the buffer's end, or an embedded message's while `enter`ed. */
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a tag; returns field number * 8 + wire type. */
  tag(): number {
    return this.uint32();
  }

  uint32(): number {
    let result = 0;
    let shift = 0;
    while (shift < 35) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result >>> 0;
      shift += 7;
    }
    // A varint of more than 5 bytes where 32 bits are expected: read on to its end (protobuf allows 10).
    for (let i = 0; i < 5; i += 1) if (this.byte() < 0x80) return result >>> 0;
    throw new OtlpDecodeError('malformed varint');
  }

  /** A varint as a signed 64-bit integer (int64, two's complement). */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i += 1) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new OtlpDecodeError('malformed varint');
  }

  /**
   * An int64 varint in decimal, read as two 32-bit halves without a BigInt: negative values (ten bytes on the wire,
   * such as a loss as a reward) and large ones made one BigInt per attribute before.
   */
  int64Text(): string {
    let low = 0;
    let high = 0;
    // Bytes 1-4 hold bits 0-27, byte 5 bits 28-34 (straddling the halves), bytes 6-10 bits 35-63.
    for (let i = 0; i < 4; i += 1) {
      const byte = this.byte();
      low |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) return renderNumber(low);
    }
    let byte = this.byte();
    low = (low | ((byte & 0x7f) << 28)) >>> 0;
    high = (byte & 0x7f) >> 4;
    for (let i = 0; byte >= 0x80; i += 1) {
      if (i === 5) throw new OtlpDecodeError('malformed varint');
      byte = this.byte();
      high |= (byte & 0x7f) << (7 * i + 3);
    }
    return signedDecimal(high >>> 0, low);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  fixed32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  fixed64(): bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** A length-delimited field's bounds, advancing past it. */
  delimited(): { start: number; end: number } {
    const length = this.uint32();
    this.need(length);
    const start = this.pos;
    this.pos += length;
    return { start, end: this.pos };
  }

  /** Steps over a length-delimited field; returns where its bytes start (they end at the new `pos`). */
  skipDelimited(): number {
    const length = this.fieldLength();
    const start = this.pos;
    this.pos += length;
    return start;
  }

  /** A bytes field as lower-case hex (how ids are stored). */
  hex(): string {
    const length = this.fieldLength();
    const start = this.pos;
    this.pos += length;
    return this.buf.toString('hex', start, this.pos);
  }

  bytes(): Uint8Array {
    const { start, end } = this.delimited();
    return this.buf.subarray(start, end);
  }

  /** A string field that is likely to recur (see the cache above); `key` for property keys. */
  recurringString(key: boolean): string {
    const length = this.fieldLength();
    const start = this.pos;
    return this.recurringText(start, (this.pos += length), key);
  }

  /** The string in `[start, end)` of the buffer, through the cache of recurring strings. */
  private recurringText(start: number, end: number, key: boolean): string {
    const length = end - start;
    if (length === 0) return '';
    if (length > MAX_CACHED_BYTES) return this.decode(start, end);
    const buf = this.buf;
    // A cheap slot from the length and a few bytes; the full comparison below makes any collision a mere miss.
    const slot =
      (length * 0x9e3779b1 +
        buf[start]! * 0x85ebca6b +
        buf[end - 1]! * 0xc2b2ae35 +
        buf[start + (length >> 1)]! * 0x27d4eb2f) &
      (CACHE_SLOTS - 1);
    const cache = key ? cachedKeys : cachedValues;
    const cached = cache[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === buf[start + i]) i += 1;
      if (i === length) return cached;
    }
    const fresh = this.decode(start, end);
    // Only ASCII (one byte per character) is cached, which keeps the comparison above exact.
    if (fresh.length !== length) return fresh;
    return (cache[slot] = key ? internalized(fresh) : fresh);
  }

  string(): string {
    const length = this.fieldLength();
    const start = this.pos;
    const end = (this.pos += length);
    if (length === 0) return '';
    return this.decode(start, end);
  }

  private decode(start: number, end: number): string {
    // Attribute keys and most values are ASCII: read those without a view or a decoder (the decoder was a hot spot).
    const buf = this.buf;
    let ascii = true;
    for (let i = start; i < end; i += 1) {
      if (buf[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return buf.toString('latin1', start, end);
    try {
      return textDecoder.decode(buf.subarray(start, end));
    } catch {
      throw new OtlpDecodeError('string field is not valid UTF-8');
    }
  }

  /** Points this reader at another message of the same buffer (a reader reused instead of one per message). */
  at(start: number, end: number): this {
    this.pos = start;
    this.end = end;
    return this;
  }

  /** A reader over an embedded message. */
  message(): ProtobufWireReader {
    const { start, end } = this.delimited();
    return new ProtobufWireReader(this.buf, start, end);
  }

  /**
   * Narrows this reader to the embedded message at its position, without a reader object per message (spans carry
   * dozens: one per attribute and per value). Returns the outer end, which `leave` restores once the message is read.
   */
  enter(): number {
    const length = this.fieldLength();
    const outerEnd = this.end;
    this.end = this.pos + length;
    return outerEnd;
  }

  /** Steps past the entered message and back out to the enclosing one. */
  leave(outerEnd: number): void {
    this.pos = this.end;
    this.end = outerEnd;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.skipVarint();
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2: {
        // Not `this.pos += this.fieldLength()`: that adds the length to the position from before the length was read.
        const length = this.fieldLength();
        this.pos += length;
        return;
      }
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new OtlpDecodeError(`unsupported protobuf wire type ${wireType}`);
    }
  }

  /** Steps over a varint of up to 10 bytes without making its value (a BigInt per skipped field was garbage). */
  private skipVarint(): void {
    for (let i = 0; i < 10; i += 1) if (this.byte() < 0x80) return;
    throw new OtlpDecodeError('malformed varint');
  }

  /** Reads a length prefix and checks the field fits; the field starts at `pos`. */
  private fieldLength(): number {
    const length = this.uint32();
    this.need(length);
    return length;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new OtlpDecodeError('truncated protobuf message');
    return this.buf[this.pos++]!;
  }

  private need(length: number): void {
    if (length > this.end - this.pos) throw new OtlpDecodeError('truncated protobuf message');
  }
}

/** The decimal text of a two's complement 64-bit integer given as unsigned 32-bit halves. */
function signedDecimal(high: number, low: number): string {
  if (high < 0x8000_0000) return unsignedDecimal(high, low);
  // Negate: invert both halves and add one, carrying into the high half when the low one wraps to zero.
  const negatedLow = (~low + 1) >>> 0;
  const negatedHigh = (~high + (negatedLow === 0 ? 1 : 0)) >>> 0;
  return `-${unsignedDecimal(negatedHigh, negatedLow)}`;
}

/**
 * The decimal text of an unsigned 64-bit integer given as 32-bit halves. Below 2^53 a double holds it exactly; above,
 * it is split into 24-bit pieces and summed in base 10^7 (each partial sum stays exact), as protobuf's JavaScript
 * runtime does.
 */
function unsignedDecimal(high: number, low: number): string {
  if (high <= 0x1f_ffff) return renderNumber(high * 0x1_0000_0000 + low);
  const lowPiece = low & 0xff_ffff;
  const midPiece = ((low >>> 24) | (high << 8)) & 0xff_ffff;
  const highPiece = high >>> 16;
  // 2^24 = 1 * 10^7 + 6777216 and 2^48 = 28147497 * 10^7 + 6710656.
  let units = lowPiece + midPiece * 6_777_216 + highPiece * 6_710_656;
  let tens = midPiece + highPiece * 8_147_497;
  let top = highPiece * 2;
  if (units >= DECIMAL_BASE) {
    tens += Math.floor(units / DECIMAL_BASE);
    units %= DECIMAL_BASE;
  }
  if (tens >= DECIMAL_BASE) {
    top += Math.floor(tens / DECIMAL_BASE);
    tens %= DECIMAL_BASE;
  }
  return `${renderNumber(top)}${renderNumber(tens).padStart(7, '0')}${renderNumber(units).padStart(7, '0')}`;
}

const DECIMAL_BASE = 10_000_000;
