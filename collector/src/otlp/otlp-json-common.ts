import { emptyAttributes, putAttribute, type AnyValue } from './any-value-rendering.ts';
import { OtlpDecodeError } from './decoded-spans.ts';
import { quoteLongIntegers } from './json-long-integers.ts';
import { MAX_ANY_VALUE_DEPTH } from './otlp-protobuf-common.ts';

/** Field readers for the OTLP/JSON encoding; each names the offending path in its OtlpDecodeError. */
export type Json = Record<string, unknown>;

/**
 * Parses the body; JSON that does not parse is a decode error like any other. 64-bit integers sent as JSON numbers
 * are read exactly, as decimal strings (quoteLongIntegers).
 */
export function parseJsonBody(body: Buffer | string): unknown {
  try {
    return JSON.parse(quoteLongIntegers(typeof body === 'string' ? Buffer.from(body) : body).toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(error as Error).message}`);
  }
}

export function readAttributes(value: unknown, path: string): Record<string, string> {
  const attributes = emptyAttributes();
  asArray(value, path).forEach((item, i) => {
    const [key, anyValue] = readKeyValue(item, `${path}[${i}]`);
    putAttribute(attributes, key, anyValue);
  });
  return attributes;
}

function readKeyValue(value: unknown, path: string, depth = 0): [string, AnyValue] {
  const o = asObject(value, path);
  return [asString(o.key, `${path}.key`), readAnyValue(o.value, `${path}.value`, depth)];
}

export function readAnyValue(value: unknown, path: string, depth = 0): AnyValue {
  if (value === undefined || value === null) return null;
  if (depth > MAX_ANY_VALUE_DEPTH) throw new OtlpDecodeError(`${path} nests deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
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
    return asArray(array.values, `${path}.arrayValue.values`).map((item, i) =>
      readAnyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if (o.kvlistValue !== undefined) {
    const list = asObject(o.kvlistValue, `${path}.kvlistValue`);
    const out = Object.create(null) as { [key: string]: AnyValue };
    asArray(list.values, `${path}.kvlistValue.values`).forEach((item, i) => {
      const [key, itemValue] = readKeyValue(item, `${path}.kvlistValue.values[${i}]`, depth + 1);
      if (!Object.hasOwn(out, key)) out[key] = itemValue;
    });
    return out;
  }
  if (o.bytesValue !== undefined) return Buffer.from(asString(o.bytesValue, `${path}.bytesValue`), 'base64');
  return null;
}

export function asObject(value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new OtlpDecodeError(`${path} must be an object`);
  return value as Json;
}

export function asArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${path} must be an array`);
  return value;
}

export function asString(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtlpDecodeError(`${path} must be a string`);
  return value;
}

export function asEnum(value: unknown, names: readonly string[], path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
  }
  throw new OtlpDecodeError(`${path} must be one of ${names.join(', ')} or its number`);
}

const DECIMAL = /^-?\d{1,20}$/;

export function asUint64(value: unknown, path: string): bigint {
  const result = asInt64(value, path);
  if (result < 0n || result > 0xffff_ffff_ffff_ffffn)
    throw new OtlpDecodeError(`${path} must be an unsigned 64-bit integer`);
  return result;
}

export function asInt64(value: unknown, path: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const result = BigInt(value);
    if (result >= -(2n ** 63n) && result <= 0xffff_ffff_ffff_ffffn) return result;
  }
  throw new OtlpDecodeError(`${path} must be a 64-bit integer (number or decimal string)`);
}

export function asDouble(value: unknown, path: string): number {
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
export function asId(value: unknown, byteLength: number, path: string): string {
  const text = asString(value, path);
  if (text === '') return '';
  if (text.length === byteLength * 2 && HEX.test(text)) return text.toLowerCase();
  if (BASE64.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === byteLength) return bytes.toString('hex');
  }
  return text;
}
