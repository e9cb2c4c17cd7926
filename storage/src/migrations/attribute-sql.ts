/** SQL expressions that read string-valued OTel attribute maps into typed values. Keys are compile-time constants. */

/** A string literal for SQL. */
export function sqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** `map[key]` ('' when absent). */
export function attr(map: string, key: string): string {
  return `${map}[${sqlString(key)}]`;
}

/**
 * One map of the given ones, later maps winning: `merged(['ResourceAttributes', 'SpanAttributes'])` reads a key
 * from the span when it has it, else from the resource (the SDK may put strategy, bot or mode on either).
 */
export function merged(maps: readonly [string, ...string[]]): string {
  const [first, ...rest] = maps;
  return rest.reduce((into, map) => `mapUpdate(${into}, ${map})`, first);
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
  return `if(${expr} = '', ${sqlString(fallback)}, ${expr})`;
}
