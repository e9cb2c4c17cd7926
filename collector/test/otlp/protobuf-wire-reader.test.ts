import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '@tradetrace/collector';
import { ProtobufWireReader } from '../../src/otlp/protobuf-wire-reader.ts';

const lengthDelimited = (bytes: Buffer) => Buffer.concat([Buffer.from([bytes.length]), bytes]);

describe('ProtobufWireReader', () => {
  describe('.string', () => {
    it('reads ASCII and multi-byte UTF-8 alike', () => {
      for (const text of ['plain ascii', 'SOL/USDC:USDC', 'Ünïcödé ✓ 📈', '']) {
        expect(new ProtobufWireReader(lengthDelimited(Buffer.from(text, 'utf8'))).string()).toBe(text);
      }
    });

    it('refuses bytes that are not UTF-8', () => {
      expect(() => new ProtobufWireReader(lengthDelimited(Buffer.from([0x61, 0xc3, 0x28]))).string()).toThrow(
        OtlpDecodeError,
      );
    });

    it('keeps a leading byte order mark, as JSON requests keep it', () => {
      expect(new ProtobufWireReader(lengthDelimited(Buffer.from('\uFEFFé', 'utf8'))).string()).toBe('\uFEFFé');
    });
  });

  describe('.recurringString', () => {
    it('gives back exactly the bytes read, whether cached, colliding or not cacheable', () => {
      // Same length and same first, middle and last bytes: the likeliest collisions in the cache.
      const texts = [
        'trading.symbol',
        'trading.symbol',
        'tXading.symbol',
        'trading.symbol',
        'Ünïcödé ✓ 📈',
        'Ünïcödé ✓ 📈',
        'x'.repeat(65),
        '',
      ];
      const body = Buffer.concat(texts.map((text) => lengthDelimited(Buffer.from(text, 'utf8'))));
      for (const key of [true, false]) {
        const reader = new ProtobufWireReader(body);
        expect(texts.map(() => reader.recurringString(key))).toEqual(texts);
      }
    });

    it('refuses bytes that are not UTF-8', () => {
      expect(() =>
        new ProtobufWireReader(lengthDelimited(Buffer.from([0x61, 0xc3, 0x28]))).recurringString(true),
      ).toThrow(OtlpDecodeError);
    });
  });

  describe('.skip', () => {
    it('steps over a length-delimited field whole, its length prefix included', () => {
      // An unknown field 3 (schema_url, say) of 200 bytes (a two-byte length), then a varint field 4 holding 7.
      const body = Buffer.concat([
        Buffer.from([(3 << 3) | 2, 0xc8, 0x01]),
        Buffer.alloc(200, 0x61),
        Buffer.from([(4 << 3) | 0, 7]),
      ]);
      const reader = new ProtobufWireReader(body);
      reader.skip(reader.tag() & 7);
      expect(reader.tag()).toBe((4 << 3) | 0);
      expect(reader.uint32()).toBe(7);
      expect(reader.done).toBe(true);
    });
  });

  describe('.int64Text', () => {
    /** A value as protobuf writes an int64: its two's complement as an unsigned varint (ten bytes when negative). */
    const varint = (value: bigint) => {
      const bytes: number[] = [];
      let rest = BigInt.asUintN(64, value);
      do {
        const low = Number(rest & 0x7fn);
        rest >>= 7n;
        bytes.push(rest > 0n ? low | 0x80 : low);
      } while (rest > 0n);
      return Buffer.from(bytes);
    };

    it('gives the decimal of every int64, small, past 2^53 and negative', () => {
      const edges = [0n, 1n, 2n ** 28n, 2n ** 32n - 1n, 2n ** 49n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n];
      for (const value of [...edges, ...edges.map((v) => -v), -(2n ** 63n), -3n, 1_234_567_890_123_456_789n]) {
        expect(new ProtobufWireReader(varint(value)).int64Text()).toBe(value.toString());
      }
      fc.assert(
        fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
          expect(new ProtobufWireReader(varint(value)).int64Text()).toBe(value.toString());
        }),
      );
    });

    it('refuses a varint longer than ten bytes', () => {
      expect(() => new ProtobufWireReader(Buffer.from([...Array(10).fill(0xff), 0x01])).int64Text()).toThrow(
        OtlpDecodeError,
      );
    });
  });

  describe('.double', () => {
    it('reads a little-endian IEEE 754 double', () => {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleLE(-1234.5625);
      expect(new ProtobufWireReader(bytes).double()).toBe(-1234.5625);
    });
  });
});
