import type OpenAI from 'openai';
import { strategyVersionId, type DecisionResult, type StrategyRef, type TradeTrace } from '@tradetrace/sdk';
import { z } from 'zod';
import type { MarketFeatures } from './market-features.ts';

export const STRATEGY_NAME = 'momentum';

const RiskSchema = z.object({ stopLoss: z.number().positive(), takeProfit: z.number().positive(), notionalUsd: z.number().positive() });

export const RuleConfigSchema = RiskSchema.extend({
  engine: z.literal('rule'),
  fastWindow: z.number().int().positive(),
  slowWindow: z.number().int().positive(),
  threshold: z.number().nonnegative(),
});

export const LlmConfigSchema = RiskSchema.extend({
  engine: z.literal('llm'),
  model: z.string().min(1),
  provider: z.string().min(1),
  systemPrompt: z.string().min(1),
  fastWindow: z.number().int().positive(),
  slowWindow: z.number().int().positive(),
});

export type RuleConfig = z.infer<typeof RuleConfigSchema>;
export type LlmConfig = z.infer<typeof LlmConfigSchema>;
export type StrategyConfig = RuleConfig | LlmConfig;

/** A strategy version the demo runs: its identity (name + content-hash version) and how it decides. */
export interface DemoStrategy {
  readonly ref: StrategyRef;
  readonly config: StrategyConfig;
  decide(features: MarketFeatures, symbol: string): Promise<DecisionResult>;
}

export const RULE_CONFIG: RuleConfig = RuleConfigSchema.parse({
  engine: 'rule', fastWindow: 5, slowWindow: 20, threshold: 0.0015, stopLoss: 0.02, takeProfit: 0.03, notionalUsd: 1000,
});

export const LLM_CONFIG: LlmConfig = LlmConfigSchema.parse({
  engine: 'llm',
  model: 'deepseek-chat',
  provider: 'deepseek',
  systemPrompt: 'You trade perpetual futures. Answer only with JSON {"action":"buy"|"sell"|"hold","confidence":0..1,"reason":"..."}.',
  fastWindow: 5,
  slowWindow: 20,
  stopLoss: 0.02,
  takeProfit: 0.03,
  notionalUsd: 1000,
});

/** Moving-average crossover: buy when the fast average is clearly above the slow one, sell when clearly below. */
export function ruleStrategy(config: RuleConfig): DemoStrategy {
  return {
    ref: { name: STRATEGY_NAME, version: strategyVersionId(config) },
    config,
    async decide(features) {
      const spread = features.sma_fast / features.sma_slow - 1;
      const confidence = Math.min(1, Math.abs(spread) / (4 * config.threshold));
      if (spread > config.threshold) return { action: 'buy', confidence };
      if (spread < -config.threshold) return { action: 'sell', confidence };
      return { action: 'hold', confidence: 1 - confidence };
    },
  };
}

const LlmAnswerSchema = z.object({ action: z.enum(['buy', 'sell', 'hold']), confidence: z.number().min(0).max(1) });

/** Asks a chat model (through the real `openai` client) for the decision, traced as a child LLM span. */
export function llmStrategy(config: LlmConfig, client: OpenAI, tt: TradeTrace): DemoStrategy {
  return {
    ref: { name: STRATEGY_NAME, version: strategyVersionId(config) },
    config,
    async decide(features, symbol) {
      const request = {
        model: config.model,
        temperature: 0,
        messages: [
          { role: 'system' as const, content: config.systemPrompt },
          { role: 'user' as const, content: `Symbol ${symbol}. Market features: ${JSON.stringify({ return_5: features.return_5, return_20: features.return_20, volatility_20: features.volatility_20 })}` },
        ],
      };
      const completion = await tt.traceLlmCall({ provider: config.provider, request }, () => client.chat.completions.create(request));
      const parsed = LlmAnswerSchema.safeParse(safeJson(completion.choices[0]?.message.content ?? ''));
      // A model that answers off-format does not trade: the decision is recorded as a low-confidence hold.
      return parsed.success ? parsed.data : { action: 'hold', confidence: 0 };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
