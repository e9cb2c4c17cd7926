import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';
import type { AttributeValue, Attributes, Link } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeOtlpBody,
  OtlpDecodeError,
  RowsTooLargeError,
  TooManyItemsError,
  type IngestLimits,
} from '@tradetrace/collector';
import { transcodeTraceRequest } from '../../src/otlp/otlp-protobuf-span-transcoder.ts';
import { SPAN_ROW_LAYOUT, type SpanRow } from '@tradetrace/storage';
import { rowsFromRowBinary } from '../support/row-binary-rows.ts';

// Small limits, so that generated spans are cut: dropped attributes, truncated values and names.
const LIMITS: IngestLimits = {
  maxItemsPerRequest: 1_000,
  maxAttributesPerItem: 4,
  maxAttributeValueLength: 10,
  maxNameLength: 8,
  maxJsonContainersPerRequest: 100_000,
};

interface GeneratedSpan {
  name: string;
  kind: number;
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
  links: Link[];
  status: { code: number; message: string };
  /** Given an all-zero trace id, which the collector refuses. */
  invalid: boolean;
}

const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });
const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  text(16),
  fc.integer(),
  fc.maxSafeInteger(),
  // Within ±2^53: OpenTelemetry's own JSON and protobuf serializers write whole doubles beyond it differently.
  fc.double({ noNaN: true, min: -(2 ** 53), max: 2 ** 53 }),
  fc.boolean(),
  fc.array(text(6), { maxLength: 3 }),
);
// Keys are not integer-like: a JSON request's attributes pass through an object, which orders such keys first, so past
// the attribute limit it would keep other ones than the protobuf path, which keeps the first in request order.
const attributes = (maxKeys: number) =>
  fc.dictionary(
    text(10).map((k) => `k${k}`),
    value,
    { maxKeys },
  );
const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const span: fc.Arbitrary<GeneratedSpan> = fc.record({
  name: text(12),
  kind: fc.integer({ min: 0, max: 4 }),
  attributes: attributes(7),
  events: fc.array(fc.record({ name: text(12), attributes: attributes(5) }), { maxLength: 2 }),
  links: fc.array(
    fc.record({
      context: fc.record({ traceId: hex(16), spanId: hex(8), traceFlags: fc.constant(1) }),
      attributes: attributes(3),
    }),
    { maxLength: 2 },
  ),
  status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: text(8) }),
  invalid: fc.boolean(),
});

/** The same spans as an OTLP request in both encodings, made by OpenTelemetry's SDK and serializers. */
async function bodiesOf(
  service: string,
  resource: Attributes,
  spans: readonly GeneratedSpan[],
): Promise<{ protobuf: Buffer; json: Buffer }> {
  let zeroTraceId = false;
  const random = () => Buffer.from(Array.from({ length: 8 }, () => Math.floor(Math.random() * 256))).toString('hex');
  const ids: IdGenerator = {
    generateTraceId: () => (zeroTraceId ? '0'.repeat(32) : random() + random()),
    generateSpanId: random,
  };
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ ...resource, 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    idGenerator: ids,
  });
  const tracer = provider.getTracer('transcoder-test', '1.0.0');
  for (const generated of spans) {
    zeroTraceId = generated.invalid;
    const created = tracer.startSpan(generated.name, {
      kind: generated.kind,
      attributes: generated.attributes,
      links: generated.links,
    });
    for (const event of generated.events) created.addEvent(event.name, event.attributes);
    created.setStatus(generated.status);
    created.end();
  }
  await provider.forceFlush();
  const finished = exporter.getFinishedSpans();
  return {
    protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(finished)!),
    json: Buffer.from(JsonTraceSerializer.serializeRequest(finished)!),
  };
}

function decoded(body: Buffer, encoding: 'protobuf' | 'json') {
  const { decoded: rows, ...outcome } = decodeOtlpBody('traces', encoding, body, LIMITS);
  return {
    rows: rowsFromRowBinary<SpanRow>(rows.rowBinary, SPAN_ROW_LAYOUT),
    rowCount: rows.rowCount,
    // Where each row begins and its sorting key: the two paths' batches are ordered alike.
    keys: rows.signal === 'traces' ? rows.keys : undefined,
    ...outcome,
  };
}

describe('protobuf spans transcoded straight into RowBinary', () => {
  it('give the rows, refusals and cuts of the JSON path for the same spans', async () => {
    await fc.assert(
      fc.asyncProperty(
        text(12),
        attributes(4),
        fc.array(span, { minLength: 1, maxLength: 5 }),
        async (service, resource, spans) => {
          const bodies = await bodiesOf(service, resource, spans);
          const fromProtobuf = decoded(bodies.protobuf, 'protobuf');
          const fromJson = decoded(bodies.json, 'json');
          expect(fromProtobuf).toEqual(fromJson);
          expect(fromProtobuf.rowCount).toBe(spans.filter((s) => !s.invalid).length);
          expect(fromProtobuf.rows.length).toBe(fromProtobuf.rowCount);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps the first of a duplicated key', async () => {
    const bodies = await bodiesOf('dup-bot', {}, [
      {
        name: 'decide',
        kind: 1,
        attributes: { kfirst: 'a', kempty: 'x' },
        events: [],
        links: [],
        status: { code: 0, message: '' },
        invalid: false,
      },
    ]);
    // Same-length renames in the encoded body: `kempty`'s value becomes a second `kfirst`.
    const body = Buffer.from(bodies.protobuf);
    body.write('kfirst', body.indexOf('kempty'));
    const [row] = decoded(body, 'protobuf').rows;
    expect(row!.SpanAttributes).toEqual({ kfirst: 'a' });
  });

  it('steps over fields it does not know (a newer schema_url, say), as protobuf readers must', async () => {
    const bodies = await bodiesOf('bot-9', {}, [
      {
        name: 'decide',
        kind: 1,
        attributes: {},
        events: [],
        links: [],
        status: { code: 0, message: '' },
        invalid: false,
      },
    ]);
    // Field 9 of ExportTraceServiceRequest, 300 bytes long (a two-byte length prefix).
    const body = Buffer.concat([bodies.protobuf, Buffer.from([(9 << 3) | 2, 0xac, 0x02]), Buffer.alloc(300, 0x61)]);
    expect(decoded(body, 'protobuf').rows.map((row) => row.ServiceName)).toEqual(['bot-9']);
  });

  it('counts the spans of an oversized request without transcoding them, and it is refused with 413', async () => {
    const spans = Array.from({ length: 6 }, () => ({
      name: 'decide',
      kind: 1,
      attributes: {},
      events: [],
      links: [],
      status: { code: 0, message: '' },
      invalid: false,
    }));
    const { protobuf } = await bodiesOf('bot', {}, spans);
    const transcoded = transcodeTraceRequest(protobuf, { ...LIMITS, maxItemsPerRequest: 5 });
    expect({
      itemCount: transcoded.itemCount,
      rowCount: transcoded.rowCount,
      bytes: transcoded.rowBinary.length,
    }).toEqual({ itemCount: 6, rowCount: 0, bytes: 0 });
    expect(() => decodeOtlpBody('traces', 'protobuf', protobuf, { ...LIMITS, maxItemsPerRequest: 5 })).toThrow(
      TooManyItemsError,
    );
  });

  it('refuses, before making rows, a request whose rows would repeat a large resource hundreds of times', async () => {
    const spans = Array.from({ length: 300 }, () => ({
      name: 'decide',
      kind: 1,
      attributes: {},
      events: [],
      links: [],
      status: { code: 0, message: '' },
      invalid: false,
    }));
    const bodies = await bodiesOf('bot', { kbig: 'x'.repeat(1024 * 1024) }, spans);
    for (const encoding of ['protobuf', 'json'] as const) {
      expect(() => decodeOtlpBody('traces', encoding, bodies[encoding], LIMITS)).toThrow(RowsTooLargeError);
    }
    // 60 spans repeat it 60 MiB: stored.
    const fewer = await bodiesOf('bot', { kbig: 'x'.repeat(1024 * 1024) }, spans.slice(0, 60));
    expect(decodeOtlpBody('traces', 'protobuf', fewer.protobuf, LIMITS).decoded.rowCount).toBe(60);
  });

  it('refuses a string field that is not UTF-8', async () => {
    const bodies = await bodiesOf('utf8-bot', {}, [
      {
        name: 'decide',
        kind: 1,
        attributes: { knote: 'abc' },
        events: [],
        links: [],
        status: { code: 0, message: '' },
        invalid: false,
      },
    ]);
    const body = Buffer.from(bodies.protobuf);
    body[body.indexOf('abc')] = 0xff;
    expect(() => decodeOtlpBody('traces', 'protobuf', body, LIMITS)).toThrow(OtlpDecodeError);
  });
});
