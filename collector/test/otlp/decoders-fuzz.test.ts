import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOtlpBody, OtlpDecodeError, TooManyItemsError, type IngestLimits } from '@tradetrace/collector';
import { LOG_ROW_LAYOUT, SPAN_ROW_LAYOUT, type LogRow, type SpanRow } from '@tradetrace/storage';
import { mutate, mutationArbitrary } from '../support/body-mutations.ts';
import { rowsFromRowBinary } from '../support/row-binary-rows.ts';
import { logsRequestBodies, traceRequestBodies } from '../support/otlp-request-bodies.ts';

const LIMITS: IngestLimits = {
  maxItemsPerRequest: 1_000,
  maxAttributesPerItem: 64,
  maxAttributeValueLength: 4_096,
  maxNameLength: 256,
  maxJsonContainersPerRequest: 100_000,
};
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** Decoding either yields rows that are well formed or fails with one of the decoders' own errors: never anything else. */
function decodesCleanly(signal: 'traces' | 'logs', encoding: 'protobuf' | 'json', body: Buffer): void {
  let decoded: ReturnType<typeof decodeOtlpBody>['decoded'];
  try {
    decoded = decodeOtlpBody(signal, encoding, body, LIMITS).decoded;
  } catch (error) {
    if (error instanceof OtlpDecodeError || error instanceof TooManyItemsError) return;
    throw error;
  }
  if (decoded.signal === 'traces') {
    for (const row of rowsFromRowBinary<SpanRow>(decoded.rowBinary, SPAN_ROW_LAYOUT)) {
      expect(row.TraceId).toMatch(HEX32);
      expect(row.SpanId).toMatch(HEX16);
      expect(row.ParentSpanId === '' || HEX16.test(row.ParentSpanId)).toBe(true);
      expect(row.Timestamp).toMatch(/^\d{19}$/);
      for (const value of Object.values(row.SpanAttributes))
        expect(value.length).toBeLessThanOrEqual(LIMITS.maxAttributeValueLength);
      for (const name of [row.SpanName, row.ServiceName, ...row['Events.Name']])
        expect(name.length).toBeLessThanOrEqual(LIMITS.maxNameLength);
    }
  } else {
    for (const row of rowsFromRowBinary<LogRow>(decoded.rowBinary, LOG_ROW_LAYOUT)) {
      expect(row.TraceId === '' || HEX32.test(row.TraceId)).toBe(true);
      expect(row.SeverityNumber).toBeLessThanOrEqual(24);
    }
  }
}

describe('OTLP decoders under hostile input', () => {
  const valid: Record<'traces' | 'logs', { protobuf: Buffer; json: Buffer }> = {} as never;

  beforeAll(async () => {
    valid.traces = await traceRequestBodies({
      service: 'fuzz',
      spans: 5,
      attributes: { note: 'hello', n: 3, ok: true },
    });
    valid.logs = await logsRequestBodies({ service: 'fuzz', records: 5 });
  });

  for (const signal of ['traces', 'logs'] as const) {
    describe(signal, () => {
      it('decodes random bytes as protobuf or refuses them with OtlpDecodeError', () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) =>
            decodesCleanly(signal, 'protobuf', Buffer.from(bytes)),
          ),
          { numRuns: 500 },
        );
      });

      it('handles mutated valid protobuf bodies (bit flips, cuts, inserted and removed bytes)', () => {
        fc.assert(
          fc.property(fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }), (mutations) =>
            decodesCleanly(signal, 'protobuf', mutate(valid[signal].protobuf, mutations)),
          ),
          { numRuns: 1_000 },
        );
      });

      it('handles random JSON documents', () => {
        fc.assert(
          fc.property(fc.json({ maxDepth: 6 }), (text) => decodesCleanly(signal, 'json', Buffer.from(text))),
          { numRuns: 500 },
        );
      });

      it('handles valid JSON bodies with a field replaced by a random value', () => {
        const paths = (value: unknown, prefix: string[] = []): string[][] =>
          value !== null && typeof value === 'object'
            ? Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])])
            : [];
        const document = JSON.parse(valid[signal].json.toString());
        const all = paths(document);
        fc.assert(
          fc.property(fc.nat({ max: all.length - 1 }), fc.jsonValue({ maxDepth: 3 }), (index, replacement) => {
            const copy = structuredClone(document);
            const path = all[index]!;
            let target = copy;
            for (const key of path.slice(0, -1)) target = target[key];
            target[path.at(-1)!] = replacement;
            decodesCleanly(signal, 'json', Buffer.from(JSON.stringify(copy)));
          }),
          { numRuns: 1_000 },
        );
      });

      it('handles mutated valid JSON bytes', () => {
        fc.assert(
          fc.property(fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }), (mutations) =>
            decodesCleanly(signal, 'json', mutate(valid[signal].json, mutations)),
          ),
          { numRuns: 500 },
        );
      });
    });
  }
});
