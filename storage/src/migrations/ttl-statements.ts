import type { MigrationContext } from './migration.ts';

/** Tables that can have a retention TTL, and the time each one's rows are aged by. */
export const TTL_COLUMNS = {
  otel_traces: 'toDate(Timestamp)',
  otel_traces_trace_id_ts: 'toDate(Start)',
  otel_logs: 'TimestampTime',
  trading_decisions: 'toDateTime(Timestamp)',
  trading_orders: 'toDateTime(Timestamp)',
  trading_fills: 'toDateTime(Timestamp)',
  trading_positions: 'toDateTime(Timestamp)',
  trading_rewards: 'toDateTime(Timestamp)',
  llm_calls: 'toDateTime(Timestamp)',
  collector_metrics: 'toDate(Timestamp)',
} as const;

export type TtlTable = keyof typeof TTL_COLUMNS;
export const TTL_TABLES = Object.keys(TTL_COLUMNS) as [TtlTable, ...TtlTable[]];

/** Retention per table in days; a table not listed is left alone. */
export type TtlDays = Partial<Record<TtlTable, number>>;

/** `MODIFY TTL` for each table given; idempotent (the same TTL set again changes nothing). */
export function ttlStatements(ttl: TtlDays, { table }: Pick<MigrationContext, 'table'>): string[] {
  return TTL_TABLES.flatMap((name) => {
    const days = ttl[name];
    return days === undefined
      ? []
      : [`ALTER TABLE ${table(name)} MODIFY TTL ${TTL_COLUMNS[name]} + toIntervalDay(${days})`];
  });
}
