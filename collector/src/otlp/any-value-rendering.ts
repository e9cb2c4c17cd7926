/** An OTLP AnyValue after decoding, whichever encoding it came in. */
export type AnyValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | AnyValue[]
  | { [key: string]: AnyValue };

/**
 * Renders an attribute value for a `Map(String, String)` column the way the OpenTelemetry Collector's pdata
 * `Value.AsString()` does, so rows match what the contrib ClickHouse exporter writes: strings as they are, numbers in
 * shortest round-trip form, bools as true/false, bytes as base64, arrays and maps as JSON.
 */
export function renderAnyValue(value: AnyValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return renderNumber(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      if (value === null) return '';
      if (value instanceof Uint8Array)
        return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      return JSON.stringify(toJson(value));
  }
}

/**
 * `String(value)`, made without V8's number-to-string cache: a number that misses that cache gets its text allocated in
 * the old generation (where the cache lives), and a distinct number per span (a price, a token count) kept the old
 * generation growing, which started a full, concurrent mark-compact every few requests. JSON writes a finite number
 * exactly as `String` does, into a fresh young string.
 */
export function renderNumber(value: number): string {
  return Number.isFinite(value) ? JSON.stringify(value) : String(value);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function toJson(value: AnyValue): Json {
  if (typeof value === 'bigint') {
    // JSON numbers beyond 2^53 lose digits in most readers; keep them exact as strings.
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as { [key: string]: Json };
    for (const [key, item] of Object.entries(value)) out[key] = toJson(item);
    return out;
  }
  return value;
}

/**
 * A fresh attribute map. A plain object, not a prototype-less one: V8 keeps those in dictionary mode, which made
 * building and reading attributes the decoder's hot spot, while spans of one bot share their keys and so their shape.
 */
export function emptyAttributes(): Record<string, string> {
  return {};
}

/** Sets `key` unless already present: OTLP says the first occurrence of a duplicated key wins. */
export function putAttribute(target: Record<string, string>, key: string, value: AnyValue): void {
  if (!Object.hasOwn(target, key)) setAttribute(target, key, renderAnyValue(value));
}

/** Sets an own property, `__proto__` included (assigning that one would set the prototype, or be ignored). */
export function setAttribute(target: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
