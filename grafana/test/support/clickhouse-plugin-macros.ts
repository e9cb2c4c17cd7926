/**
 * What Grafana and grafana-clickhouse-datasource (v4) do to a panel's SQL before ClickHouse sees it, so tests can run
 * the exact text a dashboard would send:
 * 1. the plugin's frontend resolves `$__conditionalAll(condition, $var)` (`1=1` when the variable is All or empty);
 * 2. Grafana's template service replaces `$var` / `${var}` / `[[var]]`, formatting through the plugin's `format`:
 *    a multi-value or All selection becomes `'a','b'`, a single value is inserted as is;
 * 3. the plugin's backend expands its macros (`pkg/macros/macros.go`): `$__timeFilter(col)`, `$__timeInterval(col)`,
 *    `$__fromTime`, `$__toTime`, `$__interval_s` and their `_ms` forms.
 * Anything else that looks like a variable or macro is an error here, so a typo fails the test instead of reaching
 * ClickHouse as text.
 */

/** The value Grafana stores for an "All" selection. */
export const ALL_VALUE = '$__all';

export interface TemplateVariableState {
  /** Selected values: `[ALL_VALUE]` for All. */
  readonly current: readonly string[];
  /** Every option the variable's query returned (what All expands to). */
  readonly options: readonly string[];
  readonly multi: boolean;
}

export interface QueryContext {
  readonly from: Date;
  readonly to: Date;
  /** Grafana's computed `$__interval`, in seconds. */
  readonly intervalSeconds: number;
  readonly variables: ReadonlyMap<string, TemplateVariableState>;
}

export function expandPanelSql(sql: string, context: QueryContext): string {
  return expandBackendMacros(
    replaceTemplateVariables(applyConditionalAll(sql, context.variables), context.variables),
    context,
  );
}

function isAllOrEmpty(state: TemplateVariableState): boolean {
  return (
    state.current.length === 0 || state.current.includes(ALL_VALUE) || state.current.every((value) => value === '')
  );
}

function applyConditionalAll(sql: string, variables: ReadonlyMap<string, TemplateVariableState>): string {
  const macro = '$__conditionalAll';
  let out = sql;
  for (let at = out.lastIndexOf(macro); at !== -1; at = out.lastIndexOf(macro)) {
    const call = readCall(out, at + macro.length);
    if (call?.args.length !== 2)
      throw new Error(`$__conditionalAll needs (condition, $variable): ${out.slice(at, at + 80)}`);
    const [condition, variableRef] = call.args as [string, string];
    const name = /^\$\{?(\w+)\}?$/.exec(variableRef.trim())?.[1];
    const state = name === undefined ? undefined : variables.get(name);
    if (!state) throw new Error(`$__conditionalAll names an unknown variable: ${variableRef.trim()}`);
    out = out.slice(0, at) + (isAllOrEmpty(state) ? '1=1' : condition) + out.slice(call.end);
  }
  return out;
}

/** Grafana's variable syntax: `$name`, `[[name]]`, `${name}`, `${name.field}`, `${name:format}`. */
const VARIABLE_PATTERN = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

function replaceTemplateVariables(sql: string, variables: ReadonlyMap<string, TemplateVariableState>): string {
  return sql.replace(
    VARIABLE_PATTERN,
    (
      match,
      plain?: string,
      bracket?: string,
      bracketFormat?: string,
      braced?: string,
      field?: string,
      bracedFormat?: string,
    ) => {
      const name = plain ?? bracket ?? braced ?? '';
      if (name.startsWith('__')) {
        if (braced !== undefined)
          throw new Error(`Grafana global variable ${match} is not used by tradetrace dashboards`);
        return match; // a plugin macro, expanded by the backend step
      }
      const state = variables.get(name);
      if (!state) throw new Error(`unknown template variable ${match}`);
      const format = bracketFormat ?? bracedFormat;
      if (format !== undefined || field !== undefined)
        throw new Error(`${match}: tradetrace dashboards rely on the plugin's own formatting`);
      const values = state.current.includes(ALL_VALUE) ? state.options : state.current;
      // The plugin's `format`: arrays (multi-value, All) are quoted and joined; a single value goes in raw.
      return state.multi || state.current.includes(ALL_VALUE) ? `'${values.join("','")}'` : (values[0] ?? '');
    },
  );
}

function expandBackendMacros(sql: string, context: QueryContext): string {
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const intervalSeconds = Math.max(Math.floor(context.intervalSeconds), 1);
  const intervalMs = Math.max(Math.floor(context.intervalSeconds * 1000), 1);
  const fromTime = `toDateTime(${seconds(context.from)})`;
  const toTime = `toDateTime(${seconds(context.to)})`;
  const fromTimeMs = `fromUnixTimestamp64Milli(${context.from.getTime()})`;
  const toTimeMs = `fromUnixTimestamp64Milli(${context.to.getTime()})`;
  const expanders: Record<string, (args: string[]) => string> = {
    fromTime: () => fromTime,
    toTime: () => toTime,
    fromTime_ms: () => fromTimeMs,
    toTime_ms: () => toTimeMs,
    interval_s: () => String(intervalSeconds),
    timeFilter: ([column]) => `${column} >= ${fromTime} AND ${column} <= ${toTime}`,
    timeFilter_ms: ([column]) => `${column} >= ${fromTimeMs} AND ${column} <= ${toTimeMs}`,
    timeInterval: ([column]) => `toStartOfInterval(toDateTime(${column}), INTERVAL ${intervalSeconds} second)`,
    timeInterval_ms: ([column]) => `toStartOfInterval(toDateTime64(${column}, 3), INTERVAL ${intervalMs} millisecond)`,
  };
  const argumentCounts: Record<string, number> = {
    timeFilter: 1,
    timeFilter_ms: 1,
    timeInterval: 1,
    timeInterval_ms: 1,
  };
  let out = '';
  let rest = sql;
  for (let at = rest.search(/\$__\w/); at !== -1; at = rest.search(/\$__\w/)) {
    const name = /^\$__(\w+)/.exec(rest.slice(at))![1]!;
    const expander = expanders[name];
    if (!expander) throw new Error(`the ClickHouse plugin has no macro $__${name}`);
    const nameEnd = at + 3 + name.length;
    const wanted = argumentCounts[name] ?? 0;
    const call = wanted > 0 ? readCall(rest, nameEnd) : undefined;
    if (wanted > 0 && call?.args.length !== wanted)
      throw new Error(`$__${name} expects ${wanted} argument(s): ${rest.slice(at, at + 60)}`);
    out += rest.slice(0, at) + expander(call?.args.map((arg) => arg.trim()) ?? []);
    rest = rest.slice(call?.end ?? nameEnd);
  }
  return out + rest;
}

/** Reads `( a, b(c, d) )` starting at `open`: top-level arguments and the index after the closing parenthesis. */
function readCall(text: string, open: number): { args: string[]; end: number } | undefined {
  if (text[open] !== '(') return undefined;
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, i));
        return { args, end: i + 1 };
      }
    } else if (char === ',' && depth === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return undefined;
}
