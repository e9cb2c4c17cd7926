/**
 * JSON with exact integers. A JavaScript number holds integers exactly only up to 2^53; stored attributes keep
 * 64-bit integers as decimal text, and JSON the bots store (strategy configs, LLM messages) may hold larger ones.
 * These read an integer literal beyond 2^53 as a `bigint` (from its source text, Node 22's `JSON.parse` reviver
 * context) and write a `bigint` back as the same digits, so an export never rounds 9007199254740993 to ...992.
 */

/** What Node 22 passes a `JSON.parse` reviver: the source text of a primitive value. */
interface ReviverContext {
  source?: string;
}

const INTEGER = /^-?\d+$/;

function exactInteger(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value) || context?.source === undefined) return value;
  return INTEGER.test(context.source) ? BigInt(context.source) : value;
}

/**
 * An integer literal of 16 digits or more (2^53 has 16): a quick test that spares texts without one the reviver's
 * cost (it is called for every value). Text in a string can match too; that only costs the reviver.
 */
const LONG_INTEGER = /[:[,]\s*-?\d{16}/;

/** `JSON.parse`, with integers beyond 2^53 read as `bigint`s; throws SyntaxError as `JSON.parse` does. */
export function parseJsonExact(text: string): unknown {
  if (!LONG_INTEGER.test(text)) return JSON.parse(text);
  return JSON.parse(text, exactInteger as (key: string, value: unknown) => unknown);
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function bigintAsDigits(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? rawJson(value.toString()) : value;
}

/** `JSON.stringify`, with `bigint`s written as their digits (a JSON number), where `JSON.stringify` throws. */
export function stringifyJsonExact(value: unknown, space?: number): string {
  try {
    // Without a replacer first: it is called for every value, and nearly no value holds a bigint.
    return JSON.stringify(value, undefined, space);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    return JSON.stringify(value, bigintAsDigits, space);
  }
}
