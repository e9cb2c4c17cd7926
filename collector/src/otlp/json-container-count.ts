const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Whether a JSON text opens more than `limit` objects and arrays outside its strings. JSON.parse makes an object for
 * each before anything can be checked, and a body of empty ones (`{},{},...`, three bytes each) asks for far more
 * memory than real telemetry, which spends about 30 bytes on each. A container takes at least two bytes (`[]`), so a
 * shorter text is not scanned (a 20 MiB scan costs about a third of its JSON.parse). Not a validator: malformed text
 * is counted as far as it goes, and JSON.parse then reports it.
 */
export function exceedsJsonContainers(body: Uint8Array, limit: number): boolean {
  if (body.length <= 2 * limit) return false;
  let count = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      count += 1;
      if (count > limit) return true;
    }
  }
  return false;
}
