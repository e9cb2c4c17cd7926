import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { LlmCall, Triplet } from '../triplet.ts';
import { readJsonLines } from './jsonl-format.ts';
import { jsonLines, writeChunks, type ExportTarget } from './line-output.ts';

/** Agent Lightning's `Triplet` (prompt, response, reward, metadata), so its optimizers can read our decisions. */
export const AgentLightningTripletSchema = z.object({
  prompt: z.unknown(),
  response: z.unknown(),
  reward: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
export type AgentLightningTriplet = z.infer<typeof AgentLightningTripletSchema>;

/** One chat fine-tuning example (OpenAI chat format). */
export const ChatExampleSchema = z.object({
  messages: z.array(z.object({ role: z.string(), content: z.string() })).min(2),
});
export type ChatExample = z.infer<typeof ChatExampleSchema>;

/** A DPO pair: the same kind of situation, the better and the worse answer. */
export const PreferencePairSchema = z.object({
  prompt: z.array(z.object({ role: z.string(), content: z.string() })),
  chosen: z.array(z.object({ role: z.string(), content: z.string() })),
  rejected: z.array(z.object({ role: z.string(), content: z.string() })),
  chosen_reward: z.number(),
  rejected_reward: z.number(),
  chosen_decision_id: z.string(),
  rejected_decision_id: z.string(),
});
export type PreferencePair = z.infer<typeof PreferencePairSchema>;

/** The last LLM call of a decision: the one whose output became the decision. */
function finalCall(t: Triplet): LlmCall | undefined {
  return t.decision.llm_calls[t.decision.llm_calls.length - 1];
}

/** Chat messages from `gen_ai.*.messages` (OTel parts or OpenAI `content`), text only. */
export function chatMessages(messages: unknown): { role: string; content: string }[] {
  if (!Array.isArray(messages)) return typeof messages === 'string' ? [{ role: 'user', content: messages }] : [];
  return messages.flatMap((m: unknown) => {
    if (typeof m !== 'object' || m === null) return [];
    const { role, content, parts } = m as { role?: unknown; content?: unknown; parts?: unknown };
    const text =
      typeof content === 'string'
        ? content
        : Array.isArray(parts)
          ? parts.map((p: { content?: unknown }) => (typeof p?.content === 'string' ? p.content : '')).join('')
          : '';
    return typeof role === 'string' ? [{ role, content: text }] : [];
  });
}

export function toAgentLightning(t: Triplet): AgentLightningTriplet {
  const call = finalCall(t);
  return {
    prompt: call ? call.input_messages : { context: t.context, symbol: t.symbol },
    response: call
      ? call.output_messages
      : { action: t.decision.action, confidence: t.decision.confidence, size: t.decision.size },
    reward: t.reward.value,
    metadata: {
      decision_id: t.decision_id,
      trace_id: t.trace_id,
      span_id: t.span_id,
      timestamp: t.timestamp,
      service_name: t.service_name,
      strategy_name: t.strategy_name,
      strategy_version: t.strategy_version,
      strategy_config: t.strategy_config,
      symbol: t.symbol,
      action: t.decision.action,
      reward_components: t.reward.components,
      reward_match: t.reward.match,
      reward_kind: t.reward.kind,
      outcome: t.outcome,
      episode: t.episode,
    },
  };
}

export async function writeAgentLightning(triplets: AsyncIterable<Triplet>, target: ExportTarget): Promise<number> {
  return writeChunks(jsonLines(mapAsync(triplets, toAgentLightning)), target);
}

/**
 * Chat fine-tuning examples from the decisions worth imitating: an LLM decision whose reward is at least
 * `minReward` (default: above 0). A threshold, not a top-k, so the export streams.
 */
export async function writeOpenAiChat(
  triplets: AsyncIterable<Triplet>,
  target: ExportTarget,
  options: { minReward?: number } = {},
): Promise<number> {
  async function* examples() {
    for await (const t of triplets) {
      const call = finalCall(t);
      if (!call || t.reward.value === null) continue;
      if (options.minReward === undefined ? t.reward.value <= 0 : t.reward.value < options.minReward) continue;
      const messages = [...chatMessages(call.input_messages), ...chatMessages(call.output_messages)];
      if (messages.length >= 2) yield { messages } satisfies ChatExample;
    }
  }
  return writeChunks(jsonLines(examples()), target);
}

/**
 * Preference pairs: two LLM decisions in comparable context — same strategy and symbol, made within `windowSeconds`
 * of each other (default 300) — whose rewards differ by more than `minMargin` (default 0). Each decision is paired
 * with the most different one still in its window; only the window is held in memory.
 */
export async function writePreferencePairs(
  triplets: AsyncIterable<Triplet>,
  target: ExportTarget,
  options: { windowSeconds?: number; minMargin?: number } = {},
): Promise<number> {
  const windowMs = (options.windowSeconds ?? 300) * 1000;
  const margin = options.minMargin ?? 0;
  const recent = new Map<string, Triplet[]>();
  async function* pairs() {
    for await (const t of triplets) {
      const call = finalCall(t);
      if (!call || t.reward.value === null) continue;
      const key = `${t.strategy_name}\u0000${t.symbol}`;
      const now = Date.parse(t.timestamp);
      const window = (recent.get(key) ?? []).filter((o) => now - Date.parse(o.timestamp) <= windowMs);
      const other = window.reduce<Triplet | undefined>(
        (best, o) =>
          !best || Math.abs(o.reward.value! - t.reward.value!) > Math.abs(best.reward.value! - t.reward.value!)
            ? o
            : best,
        undefined,
      );
      window.push(t);
      recent.set(key, window);
      if (!other || Math.abs(other.reward.value! - t.reward.value!) <= margin) continue;
      const [chosen, rejected] = other.reward.value! > t.reward.value! ? [other, t] : [t, other];
      yield {
        prompt: chatMessages(finalCall(chosen)!.input_messages),
        chosen: chatMessages(finalCall(chosen)!.output_messages),
        rejected: chatMessages(finalCall(rejected)!.output_messages),
        chosen_reward: chosen.reward.value!,
        rejected_reward: rejected.reward.value!,
        chosen_decision_id: chosen.decision_id,
        rejected_decision_id: rejected.decision_id,
      } satisfies PreferencePair;
    }
  }
  return writeChunks(jsonLines(pairs()), target);
}

/** Reads a JSON Lines export of one of these shapes, validating each record; errors name the record. */
export async function* readValidatedJsonl<T>(source: string | Readable, schema: z.ZodType<T>): AsyncGenerator<T> {
  let n = 0;
  for await (const record of readJsonLines(source)) {
    n += 1;
    const parsed = schema.safeParse(record);
    if (!parsed.success)
      throw Object.assign(
        new Error(`record ${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`),
        { code: 'TT_ADAPTERS_BAD_RECORD' },
      );
    yield parsed.data;
  }
}

async function* mapAsync<A, B>(items: AsyncIterable<A>, fn: (a: A) => B): AsyncGenerator<B> {
  for await (const item of items) yield fn(item);
}
