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

/**
 * Stores the default model prices with the user's overrides on top in `llm_prices`; calls stored from now on are
 * priced with them. Only models whose price changed are written, so running this at every start-up leaves the
 * table as it is. Returns the models written.
 */
export async function writeLlmPrices(storage: Storage, overrides: LlmPriceTable = {}): Promise<string[]> {
  const parsed = LlmPriceTableSchema.safeParse(overrides);
  if (!parsed.success) {
    throw new StorageError('TT_STORAGE_BAD_OPTIONS', `invalid LLM price table: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const result = await storage.client.query({
    query: `SELECT Model, argMax(InputUsdPerMTok, UpdatedAt) AS InputUsdPerMTok, argMax(OutputUsdPerMTok, UpdatedAt) AS OutputUsdPerMTok,
       argMax(CachedInputUsdPerMTok, UpdatedAt) AS CachedInputUsdPerMTok
FROM ${storage.table('llm_prices')} GROUP BY Model`,
    format: 'JSONEachRow',
  });
  const stored = new Map((await result.json<StoredPrice>()).map((row) => [row.Model, row]));
  const changed = Object.entries({ ...DEFAULT_LLM_PRICES, ...parsed.data }).filter(([model, price]) => {
    const current = stored.get(model);
    return current === undefined || !samePrice(current, price);
  });
  if (changed.length === 0) return [];
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
  return changed.map(([model]) => model);
}
