import type { Migration } from './migration.ts';

/**
 * Prices of LLM models in USD per million tokens, read by the `llm_calls` view when a call is stored. Rows are
 * written by `writeLlmPrices` (defaults plus the user's overrides); the latest row per model wins.
 */
export const llmPricesMigration: Migration = {
  version: 10,
  name: 'llm_prices',
  statements: ({ table }) => [
    `CREATE TABLE IF NOT EXISTS ${table('llm_prices')} (
    Model String,
    InputUsdPerMTok Float64,
    OutputUsdPerMTok Float64,
    CachedInputUsdPerMTok Float64,
    Source LowCardinality(String),
    UpdatedAt DateTime64(3) DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY Model`,
  ],
};
