import { putAttribute, type AnyValue } from './any-value-rendering.ts';
import { OtlpDecodeError } from './decoded-spans.ts';
import type { ProtobufWireReader } from './protobuf-wire-reader.ts';

// Tags are (field number << 3) | wire type, from opentelemetry-proto's .proto files.
export const LEN = 2;
export const VARINT = 0;
export const I64 = 1;
export const I32 = 5;
export const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/** AnyValue nesting deeper than this is refused: real attributes are shallow, and recursion must stay bounded. */
export const MAX_ANY_VALUE_DEPTH = 32;

/** Reads an `InstrumentationScope`. */
export function readScope(
  reader: ProtobufWireReader,
  scope: { name: string; version: string; attributes?: Record<string, string> },
): void {
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) scope.name = reader.recurringString(false);
    else if (t === tag(2, LEN)) scope.version = reader.recurringString(false);
    else if (t === tag(3, LEN) && scope.attributes) readKeyValueField(reader, scope.attributes);
    else reader.skip(t & 7);
  }
}

/** Reads a `Resource`'s attributes into `attributes`. */
export function readResource(reader: ProtobufWireReader, attributes: Record<string, string>): void {
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) readKeyValueField(reader, attributes);
    else reader.skip(t & 7);
  }
}

/** Reads the `KeyValue` field at the reader's position into `target`. */
export function readKeyValueField(reader: ProtobufWireReader, target: Record<string, string>): void {
  const outerEnd = reader.enter();
  let key = '';
  let value: AnyValue = null;
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) key = reader.recurringString(true);
    else if (t === tag(2, LEN)) {
      const valueEnd = reader.enter();
      value = readAnyValue(reader, 0, value);
      reader.leave(valueEnd);
    } else reader.skip(t & 7);
  }
  reader.leave(outerEnd);
  putAttribute(target, key, value);
}

function readKeyValue(reader: ProtobufWireReader, depth = 0): [string, AnyValue] {
  let key = '';
  let value: AnyValue = null;
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) key = reader.recurringString(true);
    else if (t === tag(2, LEN)) value = readAnyValue(reader.message(), depth, value);
    else reader.skip(t & 7);
  }
  return [key, value];
}

/**
 * Reads an AnyValue. `previous` is the value an earlier occurrence of the same field gave: protobuf reads a message
 * field seen twice as the two merged, so a value the second one does not set stays, and a second array or key-value
 * list continues the first (its oneof member set anew replaces it).
 */
export function readAnyValue(reader: ProtobufWireReader, depth = 0, previous: AnyValue = null): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH)
    throw new OtlpDecodeError(`attribute values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  let value: AnyValue = previous;
  while (!reader.done) {
    const t = reader.tag();
    switch (t) {
      case tag(1, LEN):
        value = reader.recurringString(false);
        break;
      case tag(2, VARINT):
        value = reader.bool();
        break;
      case tag(3, VARINT):
        value = reader.int64();
        break;
      case tag(4, I64):
        value = reader.double();
        break;
      case tag(5, LEN):
        value = readArray(reader.message(), depth + 1, Array.isArray(value) ? value : []);
        break;
      case tag(6, LEN):
        value = readKeyValueList(reader.message(), depth + 1, isKeyValueList(value) ? value : undefined);
        break;
      case tag(7, LEN):
        value = reader.bytes();
        break;
      default:
        reader.skip(t & 7);
    }
  }
  return value;
}

function isKeyValueList(value: AnyValue): value is { [key: string]: AnyValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function readArray(reader: ProtobufWireReader, depth: number, values: AnyValue[]): AnyValue[] {
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) values.push(readAnyValue(reader.message(), depth));
    else reader.skip(t & 7);
  }
  return values;
}

function readKeyValueList(
  reader: ProtobufWireReader,
  depth: number,
  values = Object.create(null) as { [key: string]: AnyValue },
): { [key: string]: AnyValue } {
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) {
      const [key, value] = readKeyValue(reader.message(), depth);
      if (!Object.hasOwn(values, key)) values[key] = value;
    } else reader.skip(t & 7);
  }
  return values;
}
