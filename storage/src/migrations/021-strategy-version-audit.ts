import type { Migration } from './migration.ts';

/**
 * `strategy_version_audit`: append-only log of every add, activation, promotion and rollback (who, why, when).
 * The active version of a strategy is derived from this log; nothing in it is ever updated or deleted.
 */
export const strategyVersionAuditMigration: Migration = {
  version: 21,
  name: 'strategy_version_audit',
  statements: ({ table }) => [
    `CREATE TABLE IF NOT EXISTS ${table('strategy_version_audit')} (
    at DateTime64(6, 'UTC'),
    strategy_name LowCardinality(String),
    action LowCardinality(String),
    version String,
    previous_version String,
    actor String,
    reason String
) ENGINE = MergeTree
ORDER BY (strategy_name, at)`,
  ],
};
