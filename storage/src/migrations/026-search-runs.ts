import type { Migration } from './migration.ts';

/**
 * `search_runs`: one row per `tradetrace optimize` run, its whole answer as JSON (trials, selection, PBO, verdict),
 * so the report can draw it later. Append-only; the trials themselves are versions in `strategy_versions`.
 */
export const searchRunsMigration: Migration = {
  version: 26,
  name: 'search_runs',
  statements: ({ table }) => [
    `CREATE TABLE IF NOT EXISTS ${table('search_runs')} (
    run_id String,
    strategy_name LowCardinality(String),
    created_at DateTime64(6, 'UTC'),
    search LowCardinality(String),
    trials UInt32,
    selected_version String,
    promoted_version String,
    result String
) ENGINE = MergeTree
ORDER BY (strategy_name, created_at)`,
  ],
};
