import type { LlmPrice, LlmPriceTable } from './llm-price.ts';

/** Token counts of one call, as the GenAI conventions give them (`inputTokens` includes cache reads). */
export interface LlmCallUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
}

/** The models of one call: the one that answered (`gen_ai.response.model`, may be empty) and the one asked for. */
export interface LlmCallModels {
  responseModel?: string;
  requestModel: string;
}

/**
 * What may follow a priced model name in the name of one of its snapshots: a date (`deepseek-chat-0324`,
 * `claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`) or `latest`. Anything else names another model (`o3-mini`
 * is not `o3`, `gpt-5-pro` is not `gpt-5`), which gets no price rather than a wrong one. The `llm_calls` view
 * matches with the same pattern (RE2 and JavaScript read it alike).
 */
export const SNAPSHOT_SUFFIX_PATTERN = '^-([0-9]{4}|[0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2}|latest)$';
const SNAPSHOT_SUFFIX = new RegExp(SNAPSHOT_SUFFIX_PATTERN);

/** Price entries lowercased, longest name first: the order `llm_calls` tries them in. */
export function orderedPriceEntries(prices: LlmPriceTable): (readonly [string, LlmPrice])[] {
  return Object.entries(prices)
    .map(([model, price]) => [model.toLowerCase(), price] as const)
    .sort(([a], [b]) => b.length - a.length || a.localeCompare(b));
}

/** The price of `model` (case-insensitive): an entry of that name, or the entry it is a dated snapshot of. */
export function priceOfModel(prices: LlmPriceTable, model: string): LlmPrice | undefined {
  const wanted = model.toLowerCase();
  return orderedPriceEntries(prices).find(
    ([name]) => wanted === name || (wanted.startsWith(name) && SNAPSHOT_SUFFIX.test(wanted.slice(name.length))),
  )?.[1];
}

/**
 * USD cost of one call, priced as the `llm_calls` view prices it: the model that answered, else the one asked for;
 * cache reads at the cached rate, the rest of the input at the input rate. Undefined when neither model has a price
 * or the call reported no usage.
 */
export function llmCallCostUsd(prices: LlmPriceTable, models: LlmCallModels, usage: LlmCallUsage): number | undefined {
  const price =
    (models.responseModel ? priceOfModel(prices, models.responseModel) : undefined) ??
    priceOfModel(prices, models.requestModel);
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
