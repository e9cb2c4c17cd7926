import { quoteIdentifier } from '../storage.ts';
import type { Migration } from './migration.ts';

/**
 * The columns migration 013 moves from the contrib exporter's `ZSTD(1)` to `LZ4`, by table: every column of
 * `otel_traces` and of the tables its views fill that carries `ZSTD(1)`, except the random hex ids, which only an
 * entropy coder shrinks (LZ4 would store them at full size for little CPU saved).
 */
export const LZ4_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  otel_traces: [
    'Timestamp',
    'TraceState',
    'SpanName',
    'SpanKind',
    'ServiceName',
    'ResourceAttributes',
    'ScopeName',
    'ScopeVersion',
    'SpanAttributes',
    'Duration',
    'StatusCode',
    'StatusMessage',
    'Events.Timestamp',
    'Events.Name',
    'Events.Attributes',
    'Links.TraceState',
    'Links.Attributes',
  ],
  otel_traces_trace_id_ts: ['Start', 'End'],
  trading_decisions: ['Timestamp', 'DecisionId', 'Reason', 'Context', 'ContextNumbers'],
  trading_orders: ['Timestamp', 'DecisionId', 'OrderId', 'ClientOrderId'],
  trading_fills: ['Timestamp', 'DecisionId', 'OrderId', 'ClientOrderId', 'TradeId'],
  trading_positions: ['Timestamp', 'DecisionId', 'PositionId'],
  trading_rewards: ['Timestamp', 'DecisionId'],
  llm_calls: ['Timestamp', 'DecisionId', 'ResponseId'],
};

/** Timestamps keep their Delta step in front of the compressor. */
const codecOf = (column: string) => (column === 'Timestamp' ? 'CODEC(Delta, LZ4)' : 'CODEC(LZ4)');

/**
 * LZ4 instead of ZSTD(1) where the collector's CPU goes: every INSERT compresses each column once and every merge
 * decompresses and compresses it again; LZ4 does both with less CPU, and this store's bottleneck is CPU, not disk.
 * A codec-only `MODIFY COLUMN` changes metadata: existing parts stay as written and take LZ4 when a merge rewrites
 * them, so the migration is instant on a store of any size. Types stay the contrib exporter's, so its INSERTs still
 * work.
 */
export const lz4CodecsMigration: Migration = {
  version: 13,
  name: 'lz4_codecs',
  statements: ({ table }) =>
    Object.entries(LZ4_COLUMNS).map(
      ([name, columns]) =>
        `ALTER TABLE ${table(name)} ${columns.map((c) => `MODIFY COLUMN ${quoteIdentifier(c)} ${codecOf(c)}`).join(', ')}`,
    ),
};
