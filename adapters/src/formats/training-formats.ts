import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { LlmCall, Triplet } from '../triplet.ts';
import { readJsonLines } from './jsonl-format.ts';
import { jsonLines, writeChunks, type ExportTarget } from './line-output.ts';
import {
  OpenAiMessageSchema,
  OpenAiToolSchema,
  renderCall,
  UnrenderableCall,
  type OpenAiAssistantMessage,
  type RenderedCall,
} from './openai-chat-messages.ts';

/** Agent Lightning's `Triplet` (prompt, response, reward, metadata), so its optimizers can read our decisions. */
export const AgentLightningTripletSchema = z.object({
  prompt: z.unknown(),
  response: z.unknown(),
  reward: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
export type AgentLightningTriplet = z.infer<typeof AgentLightningTripletSchema>;

/** One chat fine-tuning example: OpenAI's supervised format, the decision's answer as the last message. */
export const ChatExampleSchema = z.strictObject({
  messages: z.array(OpenAiMessageSchema).min(2),
  tools: z.array(OpenAiToolSchema).optional(),
});
export type ChatExample = z.infer<typeof ChatExampleSchema>;

/** A preference pair in the prompt/chosen/rejected shape TRL's DPO trainer reads: two answers to one prompt. */
export const PreferencePairSchema = z.strictObject({
  prompt: z.array(OpenAiMessageSchema).min(1),
  chosen: z.array(OpenAiMessageSchema).length(1),
  rejected: z.array(OpenAiMessageSchema).length(1),
  chosen_reward: z.number(),
  rejected_reward: z.number(),
  chosen_decision_id: z.string(),
  rejected_decision_id: z.string(),
});
export type PreferencePair = z.infer<typeof PreferencePairSchema>;

/** A pair in OpenAI's preference (DPO) fine-tuning format: one-turn input, one preferred and one other answer. */
export const OpenAiDpoExampleSchema = z.strictObject({
  input: z.strictObject({
    messages: z.array(OpenAiMessageSchema).min(1),
    tools: z.array(OpenAiToolSchema).optional(),
  }),
  preferred_output: z.array(OpenAiMessageSchema).length(1),
  non_preferred_output: z.array(OpenAiMessageSchema).length(1),
});
export type OpenAiDpoExample = z.infer<typeof OpenAiDpoExampleSchema>;

/** What a training export left out: failed decisions, and lines the format cannot hold, by reason. */
export interface TrainingExportStats {
  /** Decisions whose decide function failed (`decision.error`), left out without `includeFailed`. */
  failed: number;
  /** Lines that could not be made valid (a part with no text form, an empty answer, ...), by reason. */
  invalid: Record<string, number>;
}

export interface TrainingExportOptions {
  /** Keep decisions whose decide function failed. Default false: a failure is no behaviour to learn. */
  includeFailed?: boolean;
  /** Filled with what was left out. */
  stats?: TrainingExportStats;
}

/** The last LLM call of a decision: the one whose output became the decision. */
function finalCall(t: Triplet): LlmCall | undefined {
  return t.decision.llm_calls[t.decision.llm_calls.length - 1];
}

function countInvalid(options: TrainingExportOptions, reason: string): void {
  if (options.stats) options.stats.invalid[reason] = (options.stats.invalid[reason] ?? 0) + 1;
}

/** Whether a decision may train a model: not failed (unless asked for). Counts the ones left out. */
function trainable(t: Triplet, options: TrainingExportOptions): boolean {
  if (t.decision.error === null || options.includeFailed) return true;
  if (options.stats) options.stats.failed += 1;
  return false;
}

/** The decision's final call in OpenAI's shape, or undefined (counted) when it does not render. */
function rendered(t: Triplet, options: TrainingExportOptions): RenderedCall | undefined {
  const call = finalCall(t);
  if (!call) return undefined;
  try {
    return renderCall(call);
  } catch (error) {
    if (!(error instanceof UnrenderableCall)) throw error;
    countInvalid(options, error.message);
    return undefined;
  }
}

/** A line when it is valid against its schema; else undefined, counted under its first problem. */
function validLine<T>(schema: z.ZodType<T>, line: unknown, options: TrainingExportOptions): T | undefined {
  const parsed = schema.safeParse(line);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  countInvalid(options, `${issue.path.join('.')}: ${issue.message}`);
  return undefined;
}

/**
 * An LLM decision's prompt and response are its final call's GenAI messages; a rule decision's prompt is
 * `{ context, symbol }` and its response `{ action, confidence, size }`.
 */
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
      error: t.decision.error,
      reward_components: t.reward.components,
      reward_units: t.reward.units,
      reward_primary: t.reward.primary,
      reward_match: t.reward.match,
      reward_kind: t.reward.kind,
      outcome: t.outcome,
      episode: t.episode,
    },
  };
}

export async function writeAgentLightning(
  triplets: AsyncIterable<Triplet>,
  target: ExportTarget,
  options: TrainingExportOptions = {},
): Promise<number> {
  async function* lines() {
    for await (const t of triplets) if (trainable(t, options)) yield toAgentLightning(t);
  }
  return writeChunks(jsonLines(lines()), target);
}

/**
 * Chat fine-tuning examples from the decisions worth imitating: an LLM decision whose reward is at least
 * `minReward` (default: above 0), its final call rendered in OpenAI's format (openai-chat-messages.ts) with the
 * tools it was offered. A threshold, not a top-k, so the export streams.
 */
export async function writeOpenAiChat(
  triplets: AsyncIterable<Triplet>,
  target: ExportTarget,
  options: TrainingExportOptions & { minReward?: number } = {},
): Promise<number> {
  async function* examples() {
    for await (const t of triplets) {
      if (t.reward.value === null || !finalCall(t)) continue;
      if (options.minReward === undefined ? t.reward.value <= 0 : t.reward.value < options.minReward) continue;
      if (!trainable(t, options)) continue;
      const call = rendered(t, options);
      if (!call) continue;
      const line = validLine(
        ChatExampleSchema,
        { messages: [...call.prompt, call.answer], ...(call.tools.length > 0 ? { tools: call.tools } : {}) },
        options,
      );
      if (line) yield line;
    }
  }
  return writeChunks(jsonLines(examples()), target);
}

/** One answer to a prompt. */
interface Answer {
  decisionId: string;
  reward: number;
  answer: OpenAiAssistantMessage;
  text: string;
}

interface Pair {
  prompt: RenderedCall;
  chosen: Answer;
  rejected: Answer;
}

/**
 * Preference pairs: rewarded LLM decisions made on the same input — the same rendered prompt and tools, as when
 * versions are backtested or A/B-tested on the same candles or a bot samples several answers. For each prompt its
 * best answer is chosen over every other answer whose reward is lower by more than `minMargin` (default 0);
 * identical answers are never paired. One entry per rewarded LLM decision is held until the input ends.
 */
async function preferencePairs(
  triplets: AsyncIterable<Triplet>,
  options: TrainingExportOptions & { minMargin?: number },
): Promise<Pair[]> {
  const margin = options.minMargin ?? 0;
  const byPrompt = new Map<string, { call: RenderedCall; answers: Answer[] }>();
  for await (const t of triplets) {
    if (t.reward.value === null || !finalCall(t) || !trainable(t, options)) continue;
    const call = rendered(t, options);
    if (!call) continue;
    const key = JSON.stringify([call.prompt, call.tools]);
    const group = byPrompt.get(key) ?? byPrompt.set(key, { call, answers: [] }).get(key)!;
    group.answers.push({
      decisionId: t.decision_id,
      reward: t.reward.value,
      answer: call.answer,
      text: JSON.stringify(call.answer),
    });
  }
  const pairs: Pair[] = [];
  for (const { call, answers } of byPrompt.values()) {
    const best = answers.reduce((a, b) => (b.reward > a.reward ? b : a));
    for (const other of answers)
      if (other.text !== best.text && best.reward - other.reward > margin)
        pairs.push({ prompt: call, chosen: best, rejected: other });
  }
  return pairs;
}

/** Writes each pair as the line `toLine` makes of it, the lines that fail `schema` skipped and counted. */
async function writePairs<T>(
  triplets: AsyncIterable<Triplet>,
  target: ExportTarget,
  options: TrainingExportOptions & { minMargin?: number },
  schema: z.ZodType<T>,
  toLine: (pair: Pair) => unknown,
): Promise<number> {
  async function* lines() {
    for (const pair of await preferencePairs(triplets, options)) {
      const line = validLine(schema, toLine(pair), options);
      if (line) yield line;
    }
  }
  return writeChunks(jsonLines(lines()), target);
}

/** Preference pairs as TRL reads them: `prompt`, `chosen`, `rejected` (conversational), rewards and decision ids. */
export function writePreferencePairs(
  triplets: AsyncIterable<Triplet>,
  target: ExportTarget,
  options: TrainingExportOptions & { minMargin?: number } = {},
): Promise<number> {
  return writePairs(triplets, target, options, PreferencePairSchema, ({ prompt, chosen, rejected }) => ({
    prompt: prompt.prompt,
    chosen: [chosen.answer],
    rejected: [rejected.answer],
    chosen_reward: chosen.reward,
    rejected_reward: rejected.reward,
    chosen_decision_id: chosen.decisionId,
    rejected_decision_id: rejected.decisionId,
  }));
}

/** Preference pairs in OpenAI's preference fine-tuning format (`input`, `preferred_output`, `non_preferred_output`). */
export function writeOpenAiDpo(
  triplets: AsyncIterable<Triplet>,
  target: ExportTarget,
  options: TrainingExportOptions & { minMargin?: number } = {},
): Promise<number> {
  return writePairs(triplets, target, options, OpenAiDpoExampleSchema, ({ prompt, chosen, rejected }) => ({
    input: { messages: prompt.prompt, ...(prompt.tools.length > 0 ? { tools: prompt.tools } : {}) },
    preferred_output: [chosen.answer],
    non_preferred_output: [rejected.answer],
  }));
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
