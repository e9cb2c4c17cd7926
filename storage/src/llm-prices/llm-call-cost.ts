import type { LlmPrice, LlmPriceTable } from './llm-price.ts';

/** Token counts of one call, as the GenAI conventions give them (`inputTokens` includes cache reads). */
export interface LlmCallUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
}

/** The price of `model`: the longest model name of the table it starts with (case-insensitive), as `llm_calls` matches. */
export function priceOfModel(prices: LlmPriceTable, model: string): LlmPrice | undefined {
  const wanted = model.toLowerCase();
  let best: [string, LlmPrice] | undefined;
  for (const [name, price] of Object.entries(prices)) {
    const key = name.toLowerCase();
    if (wanted.startsWith(key) && (!best || key.length > best[0].length)) best = [key, price];
  }
  return best?.[1];
}

/**
 * USD cost of one call, priced as the `llm_calls` view prices it (cache reads at the cached rate, the rest of the
 * input at the input rate); undefined when the model has no price or the call reported no usage.
 */
export function llmCallCostUsd(prices: LlmPriceTable, model: string, usage: LlmCallUsage): number | undefined {
  const price = priceOfModel(prices, model);
  if (!price || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  const cached = usage.cachedInputTokens ?? 0;
  const uncached = Math.max((usage.inputTokens ?? 0) - cached, 0);
  return (
    (uncached * price.inputUsdPerMTok +
      cached * price.cachedInputUsdPerMTok +
      (usage.outputTokens ?? 0) * price.outputUsdPerMTok) /
    1e6
  );
}
