import type OpenAI from 'openai';
import type { BacktestBot, BacktestDecision } from '@tradetrace/analytics';
import { defineStrategy, type TradeTrace } from '@tradetrace/sdk';
import { z } from 'zod';
import { computeFeatures } from './market-features.ts';

const WindowsSchema = z.object({ fastWindow: z.number().int().positive(), slowWindow: z.number().int().positive() });

export const RuleConfigSchema = WindowsSchema.extend({
  engine: z.literal('rule'),
  threshold: z.number().nonnegative(),
});

export const LlmConfigSchema = WindowsSchema.extend({
  engine: z.literal('llm'),
  model: z.string().min(1),
  provider: z.string().min(1),
  systemPrompt: z.string().min(1),
  /** Sampling temperature; default 0. */
  temperature: z.number().min(0).max(2).optional(),
});

/** One strategy, two kinds of version: the demo compares a rule-based and an LLM-driven version of "momentum". */
export const momentum = defineStrategy('momentum', z.discriminatedUnion('engine', [RuleConfigSchema, LlmConfigSchema]));

export type RuleConfig = z.infer<typeof RuleConfigSchema>;
export type LlmConfig = z.infer<typeof LlmConfigSchema>;
export type StrategyConfig = RuleConfig | LlmConfig;

export const RULE_CONFIG: RuleConfig = { engine: 'rule', fastWindow: 5, slowWindow: 20, threshold: 0.0015 };

export const LLM_CONFIG: LlmConfig = {
  engine: 'llm',
  model: 'deepseek-chat',
  provider: 'deepseek',
  systemPrompt:
    'You trade perpetual futures. Answer only with JSON {"action":"buy"|"sell"|"hold","confidence":0..1,"reason":"..."}.',
  fastWindow: 5,
  slowWindow: 20,
};

/**
 * The LLM version sampled at a higher temperature: on the same candles it answers the same rendered prompts as
 * LLM_CONFIG, sometimes differently — the two answers to one prompt a preference pair is made of.
 */
export const LLM_SAMPLED_CONFIG: LlmConfig = { ...LLM_CONFIG, temperature: 0.9 };

const WARMING_UP: BacktestDecision = { action: 'hold', confidence: 0, context: { warming_up: true } };

/** Moving-average crossover: buy when the fast average is clearly above the slow one, sell when clearly below. */
export const ruleBot: BacktestBot<StrategyConfig> = {
  strategy: momentum,
  kind: 'rule',
  decide({ candles, config }) {
    if (config.engine !== 'rule') throw new Error('the rule bot runs rule configs');
    if (candles.length < config.slowWindow) return WARMING_UP;
    const features = computeFeatures(candles.slice(-config.slowWindow), config.fastWindow, config.slowWindow);
    const spread = features.sma_fast / features.sma_slow - 1;
    const confidence = Math.min(1, Math.abs(spread) / (4 * config.threshold));
    const context = { ...features };
    if (spread > config.threshold) return { action: 'buy', confidence, context };
    if (spread < -config.threshold) return { action: 'sell', confidence, context };
    return { action: 'hold', confidence: 1 - confidence, context };
  },
};

const LlmAnswerSchema = z.object({ action: z.enum(['buy', 'sell', 'hold']), confidence: z.number().min(0).max(1) });

/** Asks a chat model (through the real `openai` client) for the decision, traced as a child LLM span of it. */
export function llmBot(client: OpenAI, tt: TradeTrace, symbol: string): BacktestBot<StrategyConfig> {
  return {
    strategy: momentum,
    kind: 'llm',
    async decide({ candles, config }) {
      if (config.engine !== 'llm') throw new Error('the LLM bot runs LLM configs');
      if (candles.length < config.slowWindow) return WARMING_UP;
      const features = computeFeatures(candles.slice(-config.slowWindow), config.fastWindow, config.slowWindow);
      const request = {
        model: config.model,
        temperature: config.temperature ?? 0,
        messages: [
          { role: 'system' as const, content: config.systemPrompt },
          {
            role: 'user' as const,
            content: `Symbol ${symbol}. Market features: ${JSON.stringify({ return_5: features.return_5, return_20: features.return_20, volatility_20: features.volatility_20 })}`,
          },
        ],
      };
      const completion = await tt.traceLlmCall({ provider: config.provider, request }, () =>
        client.chat.completions.create(request),
      );
      const parsed = LlmAnswerSchema.safeParse(safeJson(completion.choices[0]?.message.content ?? ''));
      // A model that answers off-format does not trade: the decision is recorded as a low-confidence hold.
      return parsed.success
        ? { ...parsed.data, context: { ...features } }
        : { action: 'hold', confidence: 0, context: { ...features, off_format: true } };
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
