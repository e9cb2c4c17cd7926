import { z } from 'zod';

const usdPerMillionTokens = z.number().finite().nonnegative('must be a price in USD per million tokens, 0 or more');

/** What one model costs, in USD per million tokens. */
export const LlmPriceSchema = z.object({
  inputUsdPerMTok: usdPerMillionTokens,
  outputUsdPerMTok: usdPerMillionTokens,
  /** Input tokens served from the provider's prompt cache; the input price when the provider has no discount. */
  cachedInputUsdPerMTok: usdPerMillionTokens,
});

/**
 * Prices by model name. A call matches the longest name its model starts with (case-insensitive), so
 * `gpt-4o` prices `gpt-4o-2024-08-06` while `gpt-4o-mini` keeps its own price.
 */
export const LlmPriceTableSchema = z.record(z.string().min(1, 'a model name must not be empty'), LlmPriceSchema);

export type LlmPrice = z.infer<typeof LlmPriceSchema>;
export type LlmPriceTable = z.infer<typeof LlmPriceTableSchema>;
