import type { Migration } from './migration.ts';

/**
 * `strategy_versions`: immutable strategy configs. `version` is the content hash of `config` (canonical JSON), so
 * a row is never updated: the same config always lands on the same key, and ReplacingMergeTree folds re-adds.
 */
export const strategyVersionsMigration: Migration = {
  version: 20,
  name: 'strategy_versions',
  statements: ({ table }) => [
    `CREATE TABLE IF NOT EXISTS ${table('strategy_versions')} (
    strategy_name LowCardinality(String),
    version String,
    parent_version String,
    config String,
    note String,
    author String,
    created_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(created_at)
ORDER BY (strategy_name, version)`,
  ],
};
