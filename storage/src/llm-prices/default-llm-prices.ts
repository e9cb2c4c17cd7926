import type { LlmPriceTable } from './llm-price.ts';

/**
 * List prices (standard tier, USD per million tokens) published by OpenAI, Anthropic and DeepSeek as of late 2025.
 * Prices change: override them with the `llmPrices` option; the cost of a call is fixed when it is stored.
 */
export const DEFAULT_LLM_PRICES: LlmPriceTable = {
  'deepseek-chat': { inputUsdPerMTok: 0.28, outputUsdPerMTok: 0.42, cachedInputUsdPerMTok: 0.028 },
  'deepseek-reasoner': { inputUsdPerMTok: 0.28, outputUsdPerMTok: 0.42, cachedInputUsdPerMTok: 0.028 },
  'claude-opus-4-5': { inputUsdPerMTok: 5, outputUsdPerMTok: 25, cachedInputUsdPerMTok: 0.5 },
  'claude-opus-4-1': { inputUsdPerMTok: 15, outputUsdPerMTok: 75, cachedInputUsdPerMTok: 1.5 },
  'claude-opus-4': { inputUsdPerMTok: 15, outputUsdPerMTok: 75, cachedInputUsdPerMTok: 1.5 },
  'claude-sonnet-4-5': { inputUsdPerMTok: 3, outputUsdPerMTok: 15, cachedInputUsdPerMTok: 0.3 },
  'claude-sonnet-4': { inputUsdPerMTok: 3, outputUsdPerMTok: 15, cachedInputUsdPerMTok: 0.3 },
  'claude-haiku-4-5': { inputUsdPerMTok: 1, outputUsdPerMTok: 5, cachedInputUsdPerMTok: 0.1 },
  'claude-3-7-sonnet': { inputUsdPerMTok: 3, outputUsdPerMTok: 15, cachedInputUsdPerMTok: 0.3 },
  'claude-3-5-haiku': { inputUsdPerMTok: 0.8, outputUsdPerMTok: 4, cachedInputUsdPerMTok: 0.08 },
  'gpt-5': { inputUsdPerMTok: 1.25, outputUsdPerMTok: 10, cachedInputUsdPerMTok: 0.125 },
  'gpt-5-mini': { inputUsdPerMTok: 0.25, outputUsdPerMTok: 2, cachedInputUsdPerMTok: 0.025 },
  'gpt-5-nano': { inputUsdPerMTok: 0.05, outputUsdPerMTok: 0.4, cachedInputUsdPerMTok: 0.005 },
  'gpt-4.1': { inputUsdPerMTok: 2, outputUsdPerMTok: 8, cachedInputUsdPerMTok: 0.5 },
  'gpt-4.1-mini': { inputUsdPerMTok: 0.4, outputUsdPerMTok: 1.6, cachedInputUsdPerMTok: 0.1 },
  'gpt-4.1-nano': { inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.4, cachedInputUsdPerMTok: 0.025 },
  'gpt-4o': { inputUsdPerMTok: 2.5, outputUsdPerMTok: 10, cachedInputUsdPerMTok: 1.25 },
  'gpt-4o-mini': { inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6, cachedInputUsdPerMTok: 0.075 },
  o3: { inputUsdPerMTok: 2, outputUsdPerMTok: 8, cachedInputUsdPerMTok: 0.5 },
  'o4-mini': { inputUsdPerMTok: 1.1, outputUsdPerMTok: 4.4, cachedInputUsdPerMTok: 0.275 },
};
