import { describe, expect, it } from 'vitest';
import {
  ALL_VALUE,
  expandPanelSql,
  type QueryContext,
  type TemplateVariableState,
} from './support/clickhouse-plugin-macros.ts';

// The plugin README's examples: from = 1415792726 s, to = 1447328726 s.
const from = new Date(1415792726_123);
const to = new Date(1447328726_456);

function context(variables: Record<string, TemplateVariableState> = {}, intervalSeconds = 20): QueryContext {
  return { from, to, intervalSeconds, variables: new Map(Object.entries(variables)) };
}

describe('expandPanelSql', () => {
  describe('backend macros (pkg/macros/macros.go)', () => {
    it('expands the time filter and range macros to DateTime seconds', () => {
      expect(expandPanelSql('WHERE $__timeFilter(time) AND t > $__fromTime AND t < $__toTime', context())).toBe(
        'WHERE time >= toDateTime(1415792726) AND time <= toDateTime(1447328726) AND t > toDateTime(1415792726) AND t < toDateTime(1447328726)',
      );
    });

    it('expands the millisecond forms', () => {
      expect(expandPanelSql('$__timeFilter_ms(t) $__fromTime_ms $__toTime_ms', context())).toBe(
        't >= fromUnixTimestamp64Milli(1415792726123) AND t <= fromUnixTimestamp64Milli(1447328726456) fromUnixTimestamp64Milli(1415792726123) fromUnixTimestamp64Milli(1447328726456)',
      );
    });

    it('groups by the interval, never below one second', () => {
      expect(expandPanelSql('$__timeInterval(column), $__interval_s', context())).toBe(
        'toStartOfInterval(toDateTime(column), INTERVAL 20 second), 20',
      );
      expect(expandPanelSql('$__timeInterval(column), $__interval_s', context({}, 0.2))).toBe(
        'toStartOfInterval(toDateTime(column), INTERVAL 1 second), 1',
      );
    });

    it('keeps nested parentheses inside a macro argument', () => {
      expect(expandPanelSql('$__timeFilter(toDateTime(a, 3))', context())).toBe(
        'toDateTime(a, 3) >= toDateTime(1415792726) AND toDateTime(a, 3) <= toDateTime(1447328726)',
      );
    });

    it('refuses a macro the plugin does not have, and a wrong argument count', () => {
      expect(() => expandPanelSql('$__timeGroup(t, 1m)', context())).toThrow(/no macro \$__timeGroup/);
      expect(() => expandPanelSql('$__timeFilter(a, b)', context())).toThrow(/expects 1 argument/);
    });
  });

  describe('template variables (Grafana + the plugin`s format)', () => {
    const symbols = ['BTC/USDC:USDC', 'SOL/USDC:USDC'];

    it('quotes multi-value and All selections, and inserts a single value raw', () => {
      const variables = {
        picked: { current: ['SOL/USDC:USDC'], options: symbols, multi: true },
        all: { current: [ALL_VALUE], options: symbols, multi: true },
        single: { current: ['otel'], options: ['otel'], multi: false },
      };
      expect(expandPanelSql('a IN (${picked}) AND b IN ($all) AND c = [[single]]', context(variables))).toBe(
        "a IN ('SOL/USDC:USDC') AND b IN ('BTC/USDC:USDC','SOL/USDC:USDC') AND c = otel",
      );
    });

    it('turns $__conditionalAll into 1=1 for All, and into its condition otherwise', () => {
      const sql = 'WHERE $__conditionalAll(Symbol IN (${symbol}), $symbol) AND x';
      expect(expandPanelSql(sql, context({ symbol: { current: [ALL_VALUE], options: symbols, multi: true } }))).toBe(
        'WHERE 1=1 AND x',
      );
      expect(expandPanelSql(sql, context({ symbol: { current: symbols, options: symbols, multi: true } }))).toBe(
        "WHERE Symbol IN ('BTC/USDC:USDC','SOL/USDC:USDC') AND x",
      );
    });

    it('refuses unknown variables and formats tradetrace does not rely on', () => {
      expect(() => expandPanelSql('x = $nothing', context())).toThrow(/unknown template variable \$nothing/);
      expect(() => expandPanelSql("x = '${__value.raw}'", context())).toThrow(/global variable/);
      expect(() =>
        expandPanelSql('x IN (${s:csv})', context({ s: { current: ['a'], options: ['a'], multi: true } })),
      ).toThrow(/plugin's own formatting/);
    });
  });
});
