const QUOTE = 0x22;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
/** 2^53 has 16 digits: a number of fewer is exact as a JavaScript number. */
const MIN_DIGITS = 16;

/**
 * The keys of the 64-bit integer fields of OTLP traces and logs: `startTimeUnixNano`, `endTimeUnixNano`,
 * `timeUnixNano`, `observedTimeUnixNano` (all end in `UnixNano"`) and `intValue`. Found in the bytes: inside a string
 * every quote is escaped, so a match is a key (or the end of a string, which no `:` follows).
 */
const KEYS = [Buffer.from('UnixNano"'), Buffer.from('"intValue"')] as const;

/**
 * The body with every such field written as a JSON number of 16 digits or more put in quotes, so that `JSON.parse`
 * reads it as a decimal string (which OTLP/JSON allows too) instead of rounding it to a double: a time would be
 * ~100 ns off, `intValue` 9007199254740993 would read ...992. The same body when there is none. A search of the
 * bytes and a copy cost far less than a `JSON.parse` reviver, which is called for every value, or a replace on the
 * text (CHANGELOG.md has the figures).
 */
export function quoteLongIntegers(body: Buffer): Buffer {
  // Each match's value as [start, end) pairs, in body order: the two keys' matches are merged as they are found.
  const values: number[] = [];
  const next = KEYS.map((key) => body.indexOf(key));
  for (;;) {
    const k = next[0]! < 0 ? 1 : next[1]! < 0 ? 0 : next[0]! < next[1]! ? 0 : 1;
    const at = next[k]!;
    if (at < 0) break;
    const afterKey = at + KEYS[k]!.length;
    next[k] = body.indexOf(KEYS[k]!, afterKey);
    let i = skipSpace(body, afterKey);
    if (body[i] !== COLON) continue;
    i = skipSpace(body, i + 1);
    const start = i;
    if (body[i] === MINUS) i += 1;
    const digits = i;
    while (i < body.length && body[i]! >= ZERO && body[i]! <= NINE) i += 1;
    // A fraction or an exponent makes it a double literal: left as it is.
    if (i - digits < MIN_DIGITS || body[i] === DOT || body[i] === LOWER_E || body[i] === UPPER_E) continue;
    values.push(start, i);
  }
  if (values.length === 0) return body;
  const out = Buffer.allocUnsafe(body.length + values.length);
  let from = 0;
  let to = 0;
  for (let v = 0; v < values.length; v += 2) {
    const start = values[v]!;
    const end = values[v + 1]!;
    to += body.copy(out, to, from, start);
    out[to++] = QUOTE;
    to += body.copy(out, to, start, end);
    out[to++] = QUOTE;
    from = end;
  }
  body.copy(out, to, from);
  return out;
}

function skipSpace(body: Buffer, i: number): number {
  let at = i;
  while (body[at] === 0x20 || body[at] === 0x0a || body[at] === 0x0d || body[at] === 0x09) at += 1;
  return at;
}
