import type { ClickHouseSettings } from '@clickhouse/client';

/** How one INSERT of telemetry rows behaves. */
export interface InsertOptions {
  /**
   * Names the batch: inserting the same rows again with the same token is a no-op, in the table and in every
   * materialized view fed by it. Give the same token when retrying or replaying a batch (a spool entry's id);
   * without one, ClickHouse falls back to a hash of the rows, so an identical batch is still stored once.
   */
  deduplicationToken?: string;
}

/** Settings for telemetry INSERTs. Without a token ('') ClickHouse names the batch by its rows. */
export function insertSettings(options: InsertOptions = {}): ClickHouseSettings {
  return {
    insert_deduplicate: 1,
    insert_deduplication_token: options.deduplicationToken ?? '',
    // Views must skip exactly the blocks the source table skipped, also when a retry follows a partial write.
    deduplicate_blocks_in_dependent_materialized_views: 1,
    // Skip indexes are built when parts merge, in the table and in every view's: nearly every inserted part is merged
    // soon after, and a merge builds its part's indexes from the rows again. Parts not merged yet are read without them.
    materialize_skip_indexes_on_insert: 0,
  };
}
