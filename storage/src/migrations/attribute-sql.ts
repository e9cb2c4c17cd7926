/** SQL expressions that read string-valued OTel attribute maps into typed values. Keys are compile-time constants. */

function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A string literal for SQL. */
export const sqlString = literal;

/** `map[key]` ('' when absent). */
export function attr(map: string, key: string): string {
  return `${map}[${literal(key)}]`;
}

/** The first of the maps that holds `key`; the SDK may set strategy, bot or mode on the resource or on the span. */
export function firstOf(maps: readonly string[], key: string): string {
  const [last, ...rest] = [...maps].reverse();
  if (last === undefined) throw new Error('firstOf needs at least one map');
  return rest.reduce((otherwise, map) => `if(mapContains(${map}, ${literal(key)}), ${attr(map, key)}, ${otherwise})`, attr(last, key));
}

/** A number, NULL when absent or not a number (values arrive as the exporter renders them: decimal strings). */
export function float(expr: string): string {
  return `toFloat64OrNull(${expr})`;
}

/** A non-negative integer count, NULL when absent. */
export function count(expr: string): string {
  return `toUInt64OrNull(${expr})`;
}

/** OTel booleans are rendered `true`/`false`; anything else is NULL. */
export function bool(expr: string): string {
  return `multiIf(${expr} = 'true', true, ${expr} = 'false', false, NULL)`;
}

/** `expr`, or `fallback` when it is ''. */
export function orDefault(expr: string, fallback: string): string {
  return `if(${expr} = '', ${literal(fallback)}, ${expr})`;
}
