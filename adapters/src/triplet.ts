/**
 * One decision paired with what the bot saw and what it earned: the record every export format is made from.
 * Field names are fixed (docs/triplets.md); other tools read them.
 */
export interface Triplet {
  decision_id: string;
  trace_id: string;
  span_id: string;
  /** RFC 3339 with nanoseconds, UTC. */
  timestamp: string;
  service_name: string;
  bot_id: string;
  strategy_name: string;
  strategy_version: string;
  symbol: string;
  exchange: string;
  mode: string;
  decision: {
    action: string;
    kind: string;
    confidence: number | null;
    size: number | null;
    llm_calls: LlmCall[];
  };
  /** `trading.context.*` without the prefix, numbers as numbers. */
  context: Record<string, string | number | boolean>;
  reward: {
    value: number | null;
    components: Record<string, number>;
    kind: string | null;
    match: RewardMatch;
    count: number;
  };
  outcome: {
    orders: number;
    filled_amount: number;
    realized_pnl: number | null;
    realized_return: number | null;
  };
}

export interface LlmCall {
  model: string;
  provider: string;
  input_messages: unknown;
  output_messages: unknown;
  input_tokens: number | null;
  output_tokens: number | null;
}

/** How a triplet's reward was found, most explicit first. */
export const REWARD_MATCHES = ['decision_id', 'link', 'ancestor', 'time', 'none'] as const;
export type RewardMatch = (typeof REWARD_MATCHES)[number];
