import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeOtlpBody, type IngestLimits } from '@tradetrace/collector';
import { LOG_ROW_LAYOUT, SPAN_ROW_LAYOUT, type LogRow, type SpanRow } from '@tradetrace/storage';
import { rowsFromRowBinary } from '../support/row-binary-rows.ts';

/**
 * The hand-written protobuf reader against a reference: random valid OTLP requests are encoded by protobufjs from the
 * opentelemetry-proto definitions (./opentelemetry-proto, v1.11.0), then stored twice: through the collector's
 * protobuf path, and through the reference's decode of the same bytes, written as OTLP/JSON, into the collector's JSON
 * path. Both must give the same rows, the same refusals and the same identities.
 */

const PROTO_DIR = fileURLToPath(new URL('./opentelemetry-proto/', import.meta.url));
const TRACE_REQUEST = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest';
const LOGS_REQUEST = 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest';

function loadDefinitions(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync(
    [
      'opentelemetry/proto/collector/trace/v1/trace_service.proto',
      'opentelemetry/proto/collector/logs/v1/logs_service.proto',
    ],
    { keepCase: false },
  );
  root.resolveAll();
  return root;
}

/** Fields of every wire type under numbers no OTLP message uses, the largest field number among them. */
const UNKNOWN_FIELDS = [
  { name: 'xVarint', id: 2000, type: 'uint64' },
  { name: 'xFixed64', id: 2001, type: 'fixed64' },
  { name: 'xBytes', id: 2002, type: 'bytes' },
  { name: 'xFixed32', id: 2003, type: 'fixed32' },
  { name: 'xMaxNumber', id: 536_870_911, type: 'sint32' },
] as const;

const MESSAGES_WITH_UNKNOWN_FIELDS = [
  TRACE_REQUEST,
  LOGS_REQUEST,
  'opentelemetry.proto.trace.v1.ResourceSpans',
  'opentelemetry.proto.trace.v1.ScopeSpans',
  'opentelemetry.proto.trace.v1.Span',
  'opentelemetry.proto.trace.v1.Span.Event',
  'opentelemetry.proto.trace.v1.Span.Link',
  'opentelemetry.proto.trace.v1.Status',
  'opentelemetry.proto.logs.v1.ResourceLogs',
  'opentelemetry.proto.logs.v1.ScopeLogs',
  'opentelemetry.proto.logs.v1.LogRecord',
  'opentelemetry.proto.resource.v1.Resource',
  'opentelemetry.proto.common.v1.InstrumentationScope',
  'opentelemetry.proto.common.v1.KeyValue',
  'opentelemetry.proto.common.v1.AnyValue',
  'opentelemetry.proto.common.v1.ArrayValue',
  'opentelemetry.proto.common.v1.KeyValueList',
];

/**
 * The reference definitions, and the writer's copy: its messages carry extra fields (what the collector must skip), and
 * its spans and log records are written as bytes, each encoded on its own, so one item can be two encodings one after
 * the other, which protobuf reads as one message: the later scalar wins, repeated fields add up, messages merge.
 */
const reference = loadDefinitions();
const writer = loadDefinitions();
for (const name of MESSAGES_WITH_UNKNOWN_FIELDS) {
  const type = writer.lookupType(name);
  for (const field of UNKNOWN_FIELDS) type.add(new protobuf.Field(field.name, field.id, field.type));
}
for (const [container, items] of [
  ['opentelemetry.proto.trace.v1.ScopeSpans', 'spans'],
  ['opentelemetry.proto.logs.v1.ScopeLogs', 'logRecords'],
] as const) {
  const type = writer.lookupType(container);
  const field = type.fields[items]!;
  type.remove(field);
  type.add(new protobuf.Field(items, field.id, 'bytes', 'repeated'));
}
writer.resolveAll();

/** Encodes with the writer's copy (extra fields included). */
function encode(typeName: string, value: object): Buffer {
  const type = writer.lookupType(typeName);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** One span or log record: its encoding, or now and then two encodings that protobuf merges into one. */
function itemBytes(typeName: string, item: fc.Arbitrary<object>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(item, fc.option(item, { freq: 4, nil: undefined }))
    .map(([first, second]) => Buffer.concat([encode(typeName, first), ...(second ? [encode(typeName, second)] : [])]));
}

const LIMITS: IngestLimits = {
  maxItemsPerRequest: 100_000,
  maxAttributesPerItem: 1_000,
  maxAttributeValueLength: 1_000_000,
  maxNameLength: 10_000,
  maxJsonContainersPerRequest: 10_000_000,
};

// Values at the edges of their types, mixed with random ones.
const U64_MAX = 2n ** 64n - 1n;
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  fc.constantFrom('', '\u0000', '\uFEFFbom', 'naïve', '😀 emoji', 'a'.repeat(200)),
);
const key = fc.oneof(text, fc.constantFrom('service.name', 'trading.bot.id', 'k'));
const uint64 = fc.oneof(
  fc.constantFrom(0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, U64_MAX),
  fc.bigInt({ min: 0n, max: U64_MAX }),
);
/** Span and record times: the edges, random 64-bit values, and times the collector can store (2001 to 2262). */
const time = fc
  .oneof(uint64, { weight: 10, arbitrary: fc.bigInt({ min: 1_000_000_000_000_000_000n, max: 2n ** 63n - 1n }) })
  .map((n) => n.toString());
const int64 = fc
  .oneof(
    fc.constantFrom(-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  )
  .map((n) => n.toString());
const uint32 = fc.oneof(fc.constantFrom(0, 1, 2 ** 32 - 1), fc.nat({ max: 2 ** 32 - 1 }));
const id = (bytes: number) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.uint8Array({ minLength: bytes, maxLength: bytes }) },
    fc.constantFrom(new Uint8Array(0), new Uint8Array(bytes), new Uint8Array(bytes).fill(0xff)),
  );

/** A repeated field: empty now and then, mostly not, so most requests carry items to compare. */
function list<T>(item: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> {
  return fc.oneof(fc.constant<T[]>([]), { weight: 4, arbitrary: fc.array(item, { minLength: 1, maxLength }) });
}

/** Unknown fields, present or not, on any message. */
const unknownFields = fc.record(
  {
    xVarint: uint64.map(String),
    xFixed64: uint64.map(String),
    xBytes: fc.uint8Array({ maxLength: 12 }),
    xFixed32: uint32,
    xMaxNumber: fc.integer(),
  },
  { requiredKeys: [] },
);
function message<T extends object>(fields: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(fields, fc.option(unknownFields, { nil: undefined })).map(([m, extra]) => ({ ...m, ...extra }));
}

const { anyValue } = fc.letrec<{ anyValue: object; keyValue: object }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    message(fc.constant({})),
    message(fc.record({ stringValue: text })),
    message(fc.record({ boolValue: fc.boolean() })),
    message(fc.record({ intValue: int64 })),
    message(fc.record({ doubleValue: fc.double() })),
    message(fc.record({ bytesValue: fc.uint8Array({ maxLength: 12 }) })),
    message(fc.record({ arrayValue: message(fc.record({ values: fc.array(tie('anyValue'), { maxLength: 3 }) })) })),
    message(fc.record({ kvlistValue: message(fc.record({ values: fc.array(tie('keyValue'), { maxLength: 3 }) })) })),
  ),
  keyValue: message(fc.record({ key, value: tie('anyValue') }, { requiredKeys: ['key'] })),
}));
const keyValue = message(fc.record({ key, value: anyValue }, { requiredKeys: ['key'] }));
const attributes = fc.array(keyValue, { maxLength: 4 });

const resource = message(
  fc.record(
    {
      attributes,
      droppedAttributesCount: uint32,
      entityRefs: fc.array(
        fc.record({ schemaUrl: text, type: text, idKeys: fc.array(text), descriptionKeys: fc.array(text) }),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  ),
);
const scope = message(
  fc.record({ name: text, version: text, attributes, droppedAttributesCount: uint32 }, { requiredKeys: [] }),
);

const span = message(
  fc.record(
    {
      traceId: id(16),
      spanId: id(8),
      traceState: text,
      parentSpanId: fc.oneof(id(8), fc.constant(new Uint8Array(0))),
      flags: uint32,
      name: text,
      // Proto3 enums are open: numbers past the last name are valid on the wire (kind, status code, severity).
      kind: fc.integer({ min: 0, max: 9 }),
      startTimeUnixNano: time,
      endTimeUnixNano: time,
      attributes,
      droppedAttributesCount: uint32,
      events: fc.array(
        message(
          fc.record(
            { timeUnixNano: time, name: text, attributes, droppedAttributesCount: uint32 },
            { requiredKeys: [] },
          ),
        ),
        { maxLength: 3 },
      ),
      droppedEventsCount: uint32,
      links: fc.array(
        message(
          fc.record(
            {
              traceId: id(16),
              spanId: id(8),
              traceState: text,
              attributes,
              droppedAttributesCount: uint32,
              flags: uint32,
            },
            { requiredKeys: [] },
          ),
        ),
        { maxLength: 2 },
      ),
      droppedLinksCount: uint32,
      status: message(fc.record({ message: text, code: fc.integer({ min: 0, max: 5 }) }, { requiredKeys: [] })),
    },
    // Ids and start time mostly present: a span without them is refused, and most should be stored.
    { requiredKeys: ['traceId', 'spanId', 'startTimeUnixNano'] },
  ),
);

const traceRequest = message(
  fc.record({
    resourceSpans: list(
      message(
        fc.record(
          {
            resource,
            schemaUrl: text,
            scopeSpans: list(
              message(
                fc.record(
                  { scope, schemaUrl: text, spans: list(itemBytes('opentelemetry.proto.trace.v1.Span', span), 3) },
                  { requiredKeys: [] },
                ),
              ),
              2,
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      2,
    ),
  }),
);

const logRecord = message(
  fc.record(
    {
      timeUnixNano: time,
      observedTimeUnixNano: time,
      severityNumber: fc.integer({ min: 0, max: 40 }),
      severityText: text,
      body: anyValue,
      attributes,
      droppedAttributesCount: uint32,
      flags: uint32,
      traceId: id(16),
      spanId: id(8),
      eventName: text,
    },
    { requiredKeys: [] },
  ),
);

const logsRequest = message(
  fc.record({
    resourceLogs: list(
      message(
        fc.record(
          {
            resource,
            schemaUrl: text,
            scopeLogs: list(
              message(
                fc.record(
                  {
                    scope,
                    schemaUrl: text,
                    logRecords: list(itemBytes('opentelemetry.proto.logs.v1.LogRecord', logRecord), 3),
                  },
                  { requiredKeys: [] },
                ),
              ),
              2,
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      2,
    ),
  }),
);

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/**
 * The reference's decode of the bytes, written in OTLP/JSON: lowerCamelCase, ids in hex, other bytes in base64,
 * 64-bit integers as decimal strings, enums as numbers, doubles that JSON numbers cannot hold as proto3's strings.
 */
function referenceJson(typeName: string, bytes: Buffer): string {
  const type = reference.lookupType(typeName);
  const object = type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String });
  return JSON.stringify(object, function (this: Record<string, unknown>, name, value: unknown) {
    if (ID_FIELDS.has(name) && typeof value === 'string') return Buffer.from(value, 'base64').toString('hex');
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
      return Object.is(value, -0) ? '-0' : String(value);
    }
    return value;
  });
}

type Outcome =
  | { error: string }
  | { rows: unknown[]; rejected: number; message: string; identities: { serviceNames: string[]; botIds: string[] } };

function decodeWith(signal: 'traces' | 'logs', encoding: 'protobuf' | 'json', body: Buffer): Outcome {
  try {
    const decoded = decodeOtlpBody(signal, encoding, body, LIMITS);
    const { rowBinary } = decoded.decoded;
    return {
      rows:
        signal === 'traces'
          ? rowsFromRowBinary<SpanRow>(rowBinary, SPAN_ROW_LAYOUT)
          : rowsFromRowBinary<LogRow>(rowBinary, LOG_ROW_LAYOUT),
      rejected: decoded.rejected,
      message: decoded.message,
      identities: { serviceNames: decoded.identities.serviceNames, botIds: decoded.identities.botIds },
    };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

/** What the generated requests exercised, so a generator that stopped producing storable items fails the test. */
interface Coverage {
  runs: number;
  withRows: number;
  withRefusals: number;
  refusedWhole: number;
}

function expectSameRows(signal: 'traces' | 'logs', typeName: string, request: object, coverage: Coverage): void {
  const viaProtobuf = expectSameRowsFromBytes(signal, typeName, encode(typeName, request));
  coverage.runs += 1;
  if ('error' in viaProtobuf) coverage.refusedWhole += 1;
  else {
    if (viaProtobuf.rows.length > 0) coverage.withRows += 1;
    if (viaProtobuf.rejected > 0) coverage.withRefusals += 1;
  }
}

/** Decodes the bytes both ways, expects the same outcome, and returns it. */
function expectSameRowsFromBytes(signal: 'traces' | 'logs', typeName: string, bytes: Buffer): Outcome {
  const viaProtobuf = decodeWith(signal, 'protobuf', bytes);
  expect(viaProtobuf).toEqual(decodeWith(signal, 'json', Buffer.from(referenceJson(typeName, bytes))));
  return viaProtobuf;
}

describe("the collector's protobuf reader against a reference (protobufjs from opentelemetry-proto)", () => {
  for (const [signal, typeName, request] of [
    ['traces', TRACE_REQUEST, traceRequest],
    ['logs', LOGS_REQUEST, logsRequest],
  ] as const) {
    it(`stores every valid ${signal} request as the reference reads it`, () => {
      const coverage: Coverage = { runs: 0, withRows: 0, withRefusals: 0, refusedWhole: 0 };
      fc.assert(
        fc.property(request, (generated) => expectSameRows(signal, typeName, generated, coverage)),
        { numRuns: 300 },
      );
      // Both storable requests and partly refused ones (ids, times) were compared, not only empty ones.
      expect(coverage.withRows / coverage.runs).toBeGreaterThan(0.2);
      expect(coverage.withRefusals).toBeGreaterThan(0);
    });
  }

  describe('cases it found (a message field given twice is the two merged, as protobuf reads it)', () => {
    /** A length-delimited field: tag, length, bytes. */
    const field = (number: number, ...parts: Buffer[]) => {
      const bytes = Buffer.concat(parts);
      return Buffer.concat([Buffer.from([(number << 3) | 2]), varint(bytes.length), bytes]);
    };
    const varint = (value: number) => {
      const out: number[] = [];
      for (; value >= 0x80; value >>>= 7) out.push((value & 0x7f) | 0x80);
      out.push(value);
      return Buffer.from(out);
    };
    const startTime = Buffer.concat([Buffer.from([(7 << 3) | 1]), Buffer.from('00e0d4f2b1b7a317', 'hex')]);
    /** One KeyValue `k` whose value field comes four times: an array of 1, nothing, an array of "x", nothing. */
    const keyValueWithTwoValues = Buffer.concat([
      encode('opentelemetry.proto.common.v1.KeyValue', {
        key: 'k',
        value: { arrayValue: { values: [{ intValue: '1' }] } },
      }),
      encode('opentelemetry.proto.common.v1.KeyValue', { value: {} }),
      encode('opentelemetry.proto.common.v1.KeyValue', { value: { arrayValue: { values: [{ stringValue: 'x' }] } } }),
      encode('opentelemetry.proto.common.v1.KeyValue', { value: {} }),
    ]);

    it('a log record whose body comes twice, the second empty, keeps the first (found by the generator)', () => {
      const record = Buffer.from('2a030a010009000064a7b3b6e00d2a00', 'hex');
      const request = field(1, field(2, field(2, record)));
      expect(expectSameRowsFromBytes('logs', LOGS_REQUEST, request)).toMatchObject({ rows: [{ Body: '\u0000' }] });
    });

    it('an attribute value that comes twice is the values merged, on spans and on log records', () => {
      const span = Buffer.concat([
        field(1, Buffer.alloc(16, 1)),
        field(2, Buffer.alloc(8, 2)),
        startTime,
        field(9, keyValueWithTwoValues),
      ]);
      const traces = field(1, field(2, field(2, span)));
      expect(expectSameRowsFromBytes('traces', TRACE_REQUEST, traces)).toMatchObject({
        rows: [{ SpanAttributes: { k: '[1,"x"]' } }],
      });
      const record = Buffer.concat([Buffer.from('09000064a7b3b6e00d', 'hex'), field(6, keyValueWithTwoValues)]);
      const logs = field(1, field(2, field(2, record)));
      expect(expectSameRowsFromBytes('logs', LOGS_REQUEST, logs)).toMatchObject({
        rows: [{ LogAttributes: { k: '[1,"x"]' } }],
      });
    });
  });
});
