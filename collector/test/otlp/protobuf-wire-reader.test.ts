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
      expect(() => new ProtobufWireReader(lengthDelimited(Buffer.from([0x61, 0xc3, 0x28]))).string()).toThrow(OtlpDecodeError);
    });
  });

  describe('.recurringString', () => {
    it('gives back exactly the bytes read, whether cached, colliding or not cacheable', () => {
      // Same length and same first, middle and last bytes: the likeliest collisions in the cache.
      const texts = ['trading.symbol', 'trading.symbol', 'tXading.symbol', 'trading.symbol', 'Ünïcödé ✓ 📈', 'Ünïcödé ✓ 📈', 'x'.repeat(65), ''];
      const body = Buffer.concat(texts.map((text) => lengthDelimited(Buffer.from(text, 'utf8'))));
      for (const key of [true, false]) {
        const reader = new ProtobufWireReader(body);
        expect(texts.map(() => reader.recurringString(key))).toEqual(texts);
      }
    });

    it('refuses bytes that are not UTF-8', () => {
      expect(() => new ProtobufWireReader(lengthDelimited(Buffer.from([0x61, 0xc3, 0x28]))).recurringString(true)).toThrow(OtlpDecodeError);
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
