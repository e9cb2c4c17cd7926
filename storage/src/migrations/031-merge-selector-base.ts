import type { Migration } from './migration.ts';

/** The tables a telemetry INSERT writes parts into: the contrib tables and every table their views fill. */
export const INSERTED_TABLES = [
  'otel_traces',
  'otel_logs',
  'otel_traces_trace_id_ts',
  'trading_decisions',
  'trading_orders',
  'trading_fills',
  'trading_positions',
  'trading_rewards',
  'llm_calls',
] as const;

/** How many parts of about one size ClickHouse's merge selector lets accumulate before merging them into one. */
export const MERGE_SELECTOR_BASE = 10;

/**
 * Wider merges, so each row is rewritten fewer times. The collector's INSERTs are large and of about one size, and the
 * merge selector (`Simple`, base 5) merges parts of about one size some five at a time, so over a store's life a row
 * is rewritten about log5(store / INSERT) times, and on this CPU-bound store merges are a large share of what a span
 * costs. Base 10 rewrites it about log10 of that, at the price of about twice as many active parts, which a query
 * opens more of. A settings-only `ALTER`: no part is rewritten. Needs ClickHouse 24.11 or later on a server.
 */
export const mergeSelectorBaseMigration: Migration = {
  version: 31,
  name: 'merge_selector_base',
  statements: ({ table }) =>
    INSERTED_TABLES.map(
      (name) => `ALTER TABLE ${table(name)} MODIFY SETTING merge_selector_base = ${MERGE_SELECTOR_BASE}`,
    ),
};
