import { LLM_CALLS_VIEW, llmCalls } from '../migrations/011-llm-calls.ts';
import { planSchema, type SchemaPlan } from '../migrations/run-migrations.ts';
import { viewQuery } from '../migrations/typed-view.ts';
import type { Storage } from '../storage.ts';
import { StorageError } from '../storage-errors.ts';
import { DEFAULT_LLM_PRICES } from './default-llm-prices.ts';
import { LlmPriceTableSchema, type LlmPrice, type LlmPriceTable } from './llm-price.ts';

interface StoredPrice {
  Model: string;
  InputUsdPerMTok: number;
  OutputUsdPerMTok: number;
  CachedInputUsdPerMTok: number;
}

function samePrice(stored: StoredPrice, price: LlmPrice): boolean {
  return (
    stored.InputUsdPerMTok === price.inputUsdPerMTok &&
    stored.OutputUsdPerMTok === price.outputUsdPerMTok &&
    stored.CachedInputUsdPerMTok === price.cachedInputUsdPerMTok
  );
}

/** Where the schema lives; the same `cluster` as given to `runMigrations`. */
export interface WriteLlmPricesOptions {
  cluster?: string;
}

/**
 * Stores the default model prices with the user's overrides on top in `llm_prices` (the record of every price
 * change) and puts the resulting table into the `llm_calls` view; calls stored from now on are priced with it.
 * Only models whose price changed are written. Returns the models written.
 */
export async function writeLlmPrices(
  storage: Storage,
  overrides: LlmPriceTable = {},
  options: WriteLlmPricesOptions = {},
): Promise<string[]> {
  const plan = planSchema(storage.database, options);
  const parsed = LlmPriceTableSchema.safeParse(overrides);
  if (!parsed.success) {
    throw new StorageError(
      'TT_STORAGE_BAD_OPTIONS',
      `invalid LLM price table: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const result = await storage.client.query({
    query: `SELECT Model, argMax(InputUsdPerMTok, UpdatedAt) AS InputUsdPerMTok, argMax(OutputUsdPerMTok, UpdatedAt) AS OutputUsdPerMTok,
       argMax(CachedInputUsdPerMTok, UpdatedAt) AS CachedInputUsdPerMTok
FROM ${storage.table('llm_prices')} GROUP BY Model`,
    format: 'JSONEachRow',
  });
  const stored = new Map((await result.json<StoredPrice>()).map((row) => [row.Model, row]));
  const wanted = { ...DEFAULT_LLM_PRICES, ...parsed.data };
  const changed = Object.entries(wanted).filter(([model, price]) => {
    const current = stored.get(model);
    return current === undefined || !samePrice(current, price);
  });
  if (changed.length > 0)
    await storage.client.insert({
      table: storage.table('llm_prices'),
      values: changed.map(([model, price]) => ({
        Model: model,
        InputUsdPerMTok: price.inputUsdPerMTok,
        OutputUsdPerMTok: price.outputUsdPerMTok,
        CachedInputUsdPerMTok: price.cachedInputUsdPerMTok,
        Source: model in parsed.data ? 'config' : 'default',
      })),
      format: 'JSONEachRow',
    });
  // Every model ever priced keeps its latest price; the view is rewritten each time, so it always matches the table.
  const table = {
    ...Object.fromEntries(
      [...stored].map(([model, row]) => [
        model,
        {
          inputUsdPerMTok: row.InputUsdPerMTok,
          outputUsdPerMTok: row.OutputUsdPerMTok,
          cachedInputUsdPerMTok: row.CachedInputUsdPerMTok,
        },
      ]),
    ),
    ...wanted,
  };
  for (const statement of llmPricingStatements(plan, table)) await storage.client.command({ query: statement });
  return changed.map(([model]) => model);
}

/** The DDL that puts a price table into the `llm_calls` view. */
export function llmPricingStatements(plan: SchemaPlan, prices: LlmPriceTable): string[] {
  const definition = llmCalls(prices);
  const { context } = plan.layout;
  return plan.layout.expand(
    `ALTER TABLE ${context.table(LLM_CALLS_VIEW)} MODIFY QUERY ${viewQuery(definition, definition.sources[0], context.table)}`,
  );
}
