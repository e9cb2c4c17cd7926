import { emptyAttributes, putAttribute, type AnyValue } from './any-value-rendering.ts';
import { OtlpDecodeError, type DecodedEvent, type DecodedLink, type DecodedResourceSpans, type DecodedSpan } from './decoded-spans.ts';

/**
 * Decodes an `ExportTraceServiceRequest` in the OTLP/JSON encoding: lowerCamelCase keys, ids as hex (base64 is
 * accepted too), 64-bit integers as strings or numbers, enums as integers or names, unknown fields ignored.
 * Throws OtlpDecodeError, naming the offending path, on input that is not such a request.
 */
export function decodeTraceRequestJson(body: Buffer | string): DecodedResourceSpans[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(error as Error).message}`);
  }
  const request = asObject(parsed, '$');
  return asArray(request.resourceSpans, '$.resourceSpans').map((item, i) => readResourceSpans(item, `$.resourceSpans[${i}]`));
}

type Json = Record<string, unknown>;

function readResourceSpans(value: unknown, path: string): DecodedResourceSpans {
  const o = asObject(value, path);
  const resource = o.resource === undefined || o.resource === null ? {} : asObject(o.resource, `${path}.resource`);
  return {
    resourceAttributes: readAttributes(resource.attributes, `${path}.resource.attributes`),
    scopeSpans: asArray(o.scopeSpans, `${path}.scopeSpans`).map((item, i) => {
      const p = `${path}.scopeSpans[${i}]`;
      const ss = asObject(item, p);
      const scope = ss.scope === undefined || ss.scope === null ? {} : asObject(ss.scope, `${p}.scope`);
      return {
        scope: { name: asString(scope.name, `${p}.scope.name`), version: asString(scope.version, `${p}.scope.version`) },
        spans: asArray(ss.spans, `${p}.spans`).map((span, j) => readSpan(span, `${p}.spans[${j}]`)),
      };
    }),
  };
}

function readSpan(value: unknown, path: string): DecodedSpan {
  const o = asObject(value, path);
  const status = o.status === undefined || o.status === null ? {} : asObject(o.status, `${path}.status`);
  return {
    traceId: asId(o.traceId, 16, `${path}.traceId`),
    spanId: asId(o.spanId, 8, `${path}.spanId`),
    parentSpanId: asId(o.parentSpanId, 8, `${path}.parentSpanId`),
    traceState: asString(o.traceState, `${path}.traceState`),
    name: asString(o.name, `${path}.name`),
    kind: asEnum(o.kind, SPAN_KINDS, `${path}.kind`),
    startTimeUnixNano: asUint64(o.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: asUint64(o.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
    events: asArray(o.events, `${path}.events`).map((event, i) => readEvent(event, `${path}.events[${i}]`)),
    links: asArray(o.links, `${path}.links`).map((link, i) => readLink(link, `${path}.links[${i}]`)),
    statusCode: asEnum(status.code, STATUS_CODES, `${path}.status.code`),
    statusMessage: asString(status.message, `${path}.status.message`),
  };
}

function readEvent(value: unknown, path: string): DecodedEvent {
  const o = asObject(value, path);
  return {
    timeUnixNano: asUint64(o.timeUnixNano, `${path}.timeUnixNano`),
    name: asString(o.name, `${path}.name`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
  };
}

function readLink(value: unknown, path: string): DecodedLink {
  const o = asObject(value, path);
  return {
    traceId: asId(o.traceId, 16, `${path}.traceId`),
    spanId: asId(o.spanId, 8, `${path}.spanId`),
    traceState: asString(o.traceState, `${path}.traceState`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
  };
}

function readAttributes(value: unknown, path: string): Record<string, string> {
  const attributes = emptyAttributes();
  asArray(value, path).forEach((item, i) => {
    const [key, anyValue] = readKeyValue(item, `${path}[${i}]`);
    putAttribute(attributes, key, anyValue);
  });
  return attributes;
}

function readKeyValue(value: unknown, path: string): [string, AnyValue] {
  const o = asObject(value, path);
  return [asString(o.key, `${path}.key`), readAnyValue(o.value, `${path}.value`)];
}

function readAnyValue(value: unknown, path: string): AnyValue {
  if (value === undefined || value === null) return null;
  const o = asObject(value, path);
  if (o.stringValue !== undefined) return asString(o.stringValue, `${path}.stringValue`);
  if (o.boolValue !== undefined) {
    if (typeof o.boolValue !== 'boolean') throw new OtlpDecodeError(`${path}.boolValue must be a boolean`);
    return o.boolValue;
  }
  if (o.intValue !== undefined) return asInt64(o.intValue, `${path}.intValue`);
  if (o.doubleValue !== undefined) return asDouble(o.doubleValue, `${path}.doubleValue`);
  if (o.arrayValue !== undefined) {
    const array = asObject(o.arrayValue, `${path}.arrayValue`);
    return asArray(array.values, `${path}.arrayValue.values`).map((item, i) => readAnyValue(item, `${path}.arrayValue.values[${i}]`));
  }
  if (o.kvlistValue !== undefined) {
    const list = asObject(o.kvlistValue, `${path}.kvlistValue`);
    const out = Object.create(null) as { [key: string]: AnyValue };
    asArray(list.values, `${path}.kvlistValue.values`).forEach((item, i) => {
      const [key, itemValue] = readKeyValue(item, `${path}.kvlistValue.values[${i}]`);
      if (!Object.hasOwn(out, key)) out[key] = itemValue;
    });
    return out;
  }
  if (o.bytesValue !== undefined) return Buffer.from(asString(o.bytesValue, `${path}.bytesValue`), 'base64');
  return null;
}

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function asObject(value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new OtlpDecodeError(`${path} must be an object`);
  return value as Json;
}

function asArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${path} must be an array`);
  return value;
}

function asString(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtlpDecodeError(`${path} must be a string`);
  return value;
}

function asEnum(value: unknown, names: readonly string[], path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
  }
  throw new OtlpDecodeError(`${path} must be one of ${names.join(', ')} or its number`);
}

const DECIMAL = /^-?\d{1,20}$/;

function asUint64(value: unknown, path: string): bigint {
  const result = asInt64(value, path);
  if (result < 0n || result > 0xffff_ffff_ffff_ffffn) throw new OtlpDecodeError(`${path} must be an unsigned 64-bit integer`);
  return result;
}

function asInt64(value: unknown, path: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const result = BigInt(value);
    if (result >= -(2n ** 63n) && result <= 0xffff_ffff_ffff_ffffn) return result;
  }
  throw new OtlpDecodeError(`${path} must be a 64-bit integer (number or decimal string)`);
}

function asDouble(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  // Proto3 JSON spells the special values as strings.
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new OtlpDecodeError(`${path} must be a number`);
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Ids are hex in OTLP/JSON; base64 (the proto3 JSON default for bytes) is accepted as well, told apart by length.
 * A value that is neither comes back unchanged, for the span validation to reject with the span.
 */
function asId(value: unknown, byteLength: number, path: string): string {
  const text = asString(value, path);
  if (text === '') return '';
  if (text.length === byteLength * 2 && HEX.test(text)) return text.toLowerCase();
  if (BASE64.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === byteLength) return bytes.toString('hex');
  }
  return text;
}
