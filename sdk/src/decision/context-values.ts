import type { Attributes } from '@opentelemetry/api';
import { ATTR_TRADING_CONTEXT_PREFIX } from '../semconv/trading-attributes.ts';

export type ContextValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly string[]
  | readonly number[]
  | readonly boolean[]
  | ContextValues;
/** What the bot saw: prices, indicators, balances, position state. Nested objects flatten to dotted keys. */
export interface ContextValues {
  readonly [key: string]: ContextValue;
}

const MAX_DEPTH = 4;

/** `{ price: 1, position: { side: 'long' } }` → `{ 'trading.context.price': 1, 'trading.context.position.side': 'long' }`. */
export function flattenContext(values: ContextValues): Attributes {
  const out: Attributes = {};
  flattenInto(out, ATTR_TRADING_CONTEXT_PREFIX, values, 0);
  return out;
}

/** `flattenContext` into an existing attribute object. */
export function flattenContextInto(out: Attributes, values: ContextValues): void {
  flattenInto(out, ATTR_TRADING_CONTEXT_PREFIX, values, 0);
}

/** `trading.context.<key>` for top-level keys, remembered: bots use the same few keys on every decision. */
const TOP_LEVEL_KEYS = new Map<string, string>();

function attributeKey(prefix: string, key: string, depth: number): string {
  if (depth > 0) return prefix + key;
  let full = TOP_LEVEL_KEYS.get(key);
  if (full === undefined) {
    // Internalized like a literal, so OTel's attribute copies use it as a property key without hashing it again.
    full = Object.keys({ [prefix + key]: 0 })[0]!;
    if (TOP_LEVEL_KEYS.size < 1024) TOP_LEVEL_KEYS.set(key, full);
  }
  return full;
}

function flattenInto(out: Attributes, prefix: string, values: ContextValues, depth: number): void {
  for (const key in values) {
    const value = values[key];
    if (value === null || value === undefined) continue;
    switch (typeof value) {
      case 'number':
        if (Number.isFinite(value)) out[attributeKey(prefix, key, depth)] = value;
        break;
      case 'string':
      case 'boolean':
        out[attributeKey(prefix, key, depth)] = value;
        break;
      case 'object':
        if (Array.isArray(value)) out[attributeKey(prefix, key, depth)] = value.slice() as string[];
        else if (depth < MAX_DEPTH) flattenInto(out, `${prefix}${key}.`, value as ContextValues, depth + 1);
        else out[attributeKey(prefix, key, depth)] = jsonOrMarker(value);
        break;
      default:
        break;
    }
  }
}

function jsonOrMarker(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}
