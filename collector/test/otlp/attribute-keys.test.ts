import { describe, expect, it } from 'vitest';
import { decodeOtlpBody, type IngestLimits } from '@tradetrace/collector';
import { SPAN_ROW_LAYOUT, type SpanRow } from '@tradetrace/storage';
import { rowsFromRowBinary } from '../support/row-binary-rows.ts';
import { traceRequestBodies } from '../support/otlp-request-bodies.ts';

const LIMITS: IngestLimits = {
  maxItemsPerRequest: 1_000,
  maxAttributesPerItem: 64,
  maxAttributeValueLength: 8,
  maxNameLength: 256,
  maxJsonContainersPerRequest: 100_000,
};

// Attribute maps are plain objects: keys that name Object.prototype's members must still be plain keys.
describe('attribute keys that are also object property names', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`keeps them as own keys with their values (${encoding})`, async () => {
      // The SDK would not send `__proto__`: a same-length stand-in is swapped for it in the encoded body.
      const bodies = await traceRequestBodies({
        service: 'proto-bot',
        spans: 1,
        attributes: {
          xxproto__: 'p',
          constructor: 'c',
          toString: 't',
          hasOwnProperty: 'h',
          'trading.symbol': 'x'.repeat(20),
        },
      });
      const body = Buffer.from(bodies[encoding]);
      body.write('__proto__', body.indexOf('xxproto__'));
      const { decoded } = decodeOtlpBody('traces', encoding, body, LIMITS);
      const stored = rowsFromRowBinary<SpanRow>(decoded.rowBinary, SPAN_ROW_LAYOUT)[0]!.SpanAttributes;
      const keys = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'trading.symbol'];
      expect(
        Object.entries(stored)
          .filter(([key]) => keys.includes(key))
          .sort(),
      ).toEqual(
        [
          ['__proto__', 'p'],
          ['constructor', 'c'],
          ['hasOwnProperty', 'h'],
          ['toString', 't'],
          ['trading.symbol', 'x'.repeat(8)],
        ].sort(),
      );
    });
  }
});
