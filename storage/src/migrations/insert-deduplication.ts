/**
 * How many recent insert blocks a non-replicated MergeTree remembers for deduplication. ClickHouse's default is
 * 0 (off: `insert_deduplication_token` would be ignored). Large enough to cover a spool replay after a long outage.
 */
export const DEDUPLICATION_WINDOW = 10_000;

/** Turns on insert deduplication for a table; idempotent. Replicated engines deduplicate by default. */
export function deduplicationStatement(qualifiedTable: string): string {
  return `ALTER TABLE ${qualifiedTable} MODIFY SETTING non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`;
}
