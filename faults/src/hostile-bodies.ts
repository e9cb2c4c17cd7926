import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** One hostile request: where it goes, its headers and body, and which family of attack made it. */
export interface HostileRequest {
  kind: string;
  path: '/v1/traces' | '/v1/logs';
  headers: Record<string, string>;
  body: Buffer;
}

export interface HostileSeeds {
  /** Valid OTLP/protobuf trace bodies, to truncate and bit-flip. */
  protobufBodies: Buffer[];
  /** A valid OTLP/JSON trace body, sent with wrong content types. */
  jsonBody: Buffer;
  /** The collector's body limit: gzip bombs inflate well past it, huge strings straddle it. */
  bodyLimitBytes: number;
}

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const PATHS = fc.constantFrom('/v1/traces' as const, '/v1/logs' as const);
const CONTENT_TYPE = fc.constantFrom(PROTOBUF, JSON_TYPE);
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/grpc',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'image/png',
];
const HEX = '0123456789abcdef';

/** A JSON export request with one span; `span` fields override the valid defaults. */
function jsonTraceRequest(span: Record<string, unknown>): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'faults-hostile' } }] },
          scopeSpans: [
            {
              scope: { name: 'hostile' },
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'hostile',
                  kind: 1,
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000001000000',
                  ...span,
                },
              ],
            },
          ],
        },
      ],
    }),
  );
}

/** A protobuf length-delimited field: tag, length, payload. */
function delimitedField(field: number, payload: Buffer): Buffer {
  const varint = (n: number) => {
    const bytes: number[] = [];
    for (; n > 127; n = Math.floor(n / 128)) bytes.push((n & 127) | 128);
    bytes.push(n);
    return Buffer.from(bytes);
  };
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

/**
 * A protobuf export request with one valid span carrying `count` empty messages of a repeated span field (9
 * attributes, 11 events, 13 links): two bytes each, the most items a body of its size can hold.
 */
function tinyMessageFlood(field: 9 | 11 | 13, count: number): Buffer {
  const time = (nanos: bigint) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(nanos);
    return bytes;
  };
  const span = Buffer.concat([
    delimitedField(1, Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')),
    delimitedField(2, Buffer.from('eee19b7ec3c1b174', 'hex')),
    delimitedField(5, Buffer.from('hostile')),
    Buffer.from([(7 << 3) | 1]),
    time(1_700_000_000_000_000_000n),
    Buffer.from([(8 << 3) | 1]),
    time(1_700_000_000_001_000_000n),
    Buffer.alloc(2 * count).fill(Buffer.from([(field << 3) | 2, 0])),
  ]);
  return delimitedField(1, delimitedField(2, delimitedField(2, span)));
}

/** The same in OTLP/JSON: `count` empty objects (three bytes each) as the span's attributes, events or links. */
function jsonTinyMessageFlood(field: 'attributes' | 'events' | 'links', count: number): Buffer {
  const [head, tail] = jsonTraceRequest({ [field]: 'ITEMS' })
    .toString()
    .split('"ITEMS"');
  return Buffer.from(`${head}[${'{},'.repeat(count - 1)}{}]${tail}`);
}

const hexOfLength = (length: number) =>
  fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length });

/** Ids a decoder must refuse: wrong lengths, not hex, all zero, or not strings at all. */
const invalidId = fc.oneof(
  fc
    .integer({ min: 0, max: 40 })
    .filter((n) => n !== 16 && n !== 32)
    .chain(hexOfLength),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('0'.repeat(32), '0'.repeat(16), 'zz'.repeat(16), 'AAAAAAAAAAAAAAAAAAAAAA==', ''),
  fc.integer(),
  fc.constant(null),
);

/**
 * Every family of bad input issue 8 lists, as fast-check arbitraries. Sizes stay within a few times the body limit
 * so 10,000 of them run in minutes; the gzip bombs are made once (their inflated size is what matters).
 */
export function hostileRequests(seeds: HostileSeeds): fc.Arbitrary<HostileRequest> {
  // One bomb inflates to 512 MiB: a collector that inflated it before checking the limit would show it in its RSS.
  const bombs = [
    gzipSync(Buffer.alloc(512 * 2 ** 20)),
    gzipSync(Buffer.alloc(4 * seeds.bodyLimitBytes, '{"resourceSpans":[')),
    gzipSync(Buffer.alloc(2 * seeds.bodyLimitBytes, ' ')),
  ];
  const validProtobuf = fc.constantFrom(...seeds.protobufBodies);
  const request = (
    kind: string,
    body: Buffer,
    headers: Record<string, string>,
    path: HostileRequest['path'] = '/v1/traces',
  ): HostileRequest => ({ kind, path, headers, body });

  const randomBytes = fc
    .tuple(PATHS, CONTENT_TYPE, fc.uint8Array({ maxLength: 8192 }))
    .map(([path, type, bytes]) => request('random bytes', Buffer.from(bytes), { 'content-type': type }, path));
  const truncated = fc
    .tuple(validProtobuf, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([body, cut]) =>
      request('truncated protobuf', body.subarray(0, Math.floor(body.length * cut)), { 'content-type': PROTOBUF }),
    );
  const bitFlipped = fc
    .tuple(validProtobuf, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 16 }))
    .map(([body, flips]) => {
      const copy = Buffer.from(body);
      for (const [position, bit] of flips) copy[position % copy.length]! ^= 1 << bit;
      return request('bit-flipped protobuf', copy, { 'content-type': PROTOBUF });
    });
  const deepNesting = fc
    .tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom('[', '{"a":', '{"resourceSpans":['), fc.boolean())
    .map(([depth, opener, closed]) => {
      const closer = opener === '[' ? ']' : opener === '{"a":' ? '}' : ']}';
      const body = `{"resourceSpans":${opener.repeat(depth)}1${closed ? closer.repeat(depth) : ''}}`;
      return request('deep JSON nesting', Buffer.from(body), { 'content-type': JSON_TYPE });
    });
  const hugeString = fc
    .integer({ min: 64 * 1024, max: Math.floor(1.5 * seeds.bodyLimitBytes) })
    .map((length) =>
      request('huge string', jsonTraceRequest({ name: 'x'.repeat(length) }), { 'content-type': JSON_TYPE }),
    );
  const gzipBomb = fc
    .tuple(fc.constantFrom(...bombs), CONTENT_TYPE, PATHS)
    .map(([bomb, type, path]) =>
      request('gzip bomb', bomb, { 'content-type': type, 'content-encoding': 'gzip' }, path),
    );
  const notGzip = fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 2048 }), CONTENT_TYPE)
    .map(([bytes, type]) =>
      request('gzip header on non-gzip body', Buffer.from(bytes), { 'content-type': type, 'content-encoding': 'gzip' }),
    );
  const wrongContentType = fc
    .tuple(fc.constantFrom(seeds.jsonBody, ...seeds.protobufBodies), fc.constantFrom(...WRONG_CONTENT_TYPES))
    .map(([body, type]) => request('wrong content type', body, { 'content-type': type }));
  const invalidIds = fc
    .record({ traceId: invalidId, spanId: invalidId, parentSpanId: fc.option(invalidId, { nil: undefined }) })
    .map((ids) => request('invalid ids', jsonTraceRequest(ids), { 'content-type': JSON_TYPE }));
  const attributeFlood = fc
    .tuple(fc.integer({ min: 300, max: 4_000 }), fc.integer({ min: 1, max: 64 }))
    .map(([count, valueLength]) => {
      const attributes = Array.from({ length: count }, (_, i) => ({
        key: `flood.${i}`,
        value: { stringValue: 'v'.repeat(valueLength) },
      }));
      return request('attribute flood', jsonTraceRequest({ attributes }), { 'content-type': JSON_TYPE });
    });

  // As many empty attributes, events or links as the body limit allows, protobuf or JSON, plain or gzipped: a decoder
  // that keeps an object or an array slot per item takes many times the body in memory, and JSON.parse makes them all.
  const tinyMessages = fc
    .tuple(
      fc.constantFrom(9 as const, 11 as const, 13 as const),
      fc.boolean(),
      fc.double({ min: 0.5, max: 0.95, noNaN: true }),
      fc.boolean(),
    )
    .map(([field, json, share, gzipped]) => {
      const body = json
        ? jsonTinyMessageFlood(
            ({ 9: 'attributes', 11: 'events', 13: 'links' } as const)[field],
            Math.floor((share * seeds.bodyLimitBytes) / 3),
          )
        : tinyMessageFlood(field, Math.floor((share * seeds.bodyLimitBytes) / 2));
      const type = json ? JSON_TYPE : PROTOBUF;
      const headers: Record<string, string> = gzipped
        ? { 'content-type': type, 'content-encoding': 'gzip' }
        : { 'content-type': type };
      return request('tiny-message flood', gzipped ? gzipSync(body) : body, headers);
    });

  return fc.oneof(
    randomBytes,
    truncated,
    bitFlipped,
    deepNesting,
    hugeString,
    gzipBomb,
    notGzip,
    wrongContentType,
    invalidIds,
    attributeFlood,
    tinyMessages,
  );
}
