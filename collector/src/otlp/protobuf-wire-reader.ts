import { OtlpDecodeError } from './decoded-spans.ts';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** The protobuf wire format, read straight off a buffer: just what OTLP messages need, with bounds checks. */
export class ProtobufWireReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

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

  /** A bytes field as lower-case hex (how ids are stored). */
  hex(): string {
    const { start, end } = this.delimited();
    return this.buf.toString('hex', start, end);
  }

  bytes(): Uint8Array {
    const { start, end } = this.delimited();
    return this.buf.subarray(start, end);
  }

  string(): string {
    const { start, end } = this.delimited();
    if (start === end) return '';
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

  /** A reader over an embedded message. */
  message(): ProtobufWireReader {
    const { start, end } = this.delimited();
    return new ProtobufWireReader(this.buf, start, end);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.int64();
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2:
        this.delimited();
        return;
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new OtlpDecodeError(`unsupported protobuf wire type ${wireType}`);
    }
  }

  private byte(): number {
    if (this.pos >= this.end) throw new OtlpDecodeError('truncated protobuf message');
    return this.buf[this.pos++]!;
  }

  private need(length: number): void {
    if (length > this.end - this.pos) throw new OtlpDecodeError('truncated protobuf message');
  }
}
