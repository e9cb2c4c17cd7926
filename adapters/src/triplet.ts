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
  /** The version's config from the strategy registry (`strategy_versions`), parsed; null when unregistered. */
  strategy_config: unknown;
  symbol: string;
  exchange: string;
  mode: string;
  decision: {
    action: string;
    kind: string;
    confidence: number | null;
    size: number | null;
    /** Every `gen_ai.*` span in the decision's subtree, in start order. */
    llm_calls: LlmCall[];
  };
  /**
   * `trading.context.*` without the prefix, numbers and booleans typed back; an integer beyond 2^53 as a `bigint`,
   * which the JSON writers write as its exact digits.
   */
  context: Record<string, string | number | bigint | boolean>;
  reward: TripletReward;
  outcome: TripletOutcome;
  /** Multi-step credit: the decision's place in its position's chain of decisions. */
  episode: TripletEpisode;
}

export interface LlmCall {
  model: string;
  provider: string;
  input_messages: unknown;
  output_messages: unknown;
  input_tokens: number | null;
  output_tokens: number | null;
}

export interface TripletReward {
  /** The primary reward by the declared rule; null when the decision earned nothing that could be matched. */
  value: number | null;
  /** Every named reward component (latest value per name). */
  components: Record<string, number>;
  kind: string | null;
  match: RewardMatch;
  /** How many reward signals were matched at that level (retries and corrections included). */
  count: number;
}

export interface TripletOutcome {
  orders: number;
  filled_amount: number;
  realized_pnl: number | null;
  realized_return: number | null;
  /** Horizon of the mark-to-market figures in seconds; null when no horizon was asked for. */
  horizon_s: number | null;
  /** First price a bot observed on the same symbol at least `horizon_s` after the decision. */
  price_at_horizon: number | null;
  /** (price_at_horizon − price) / price, unsigned by the action. */
  market_return: number | null;
}

export interface TripletEpisode {
  /** `trading.episode.id`, else the position the decision opened or closed; null for a one-step episode. */
  id: string | null;
  /** 0-based position in the episode; null when episodes were not asked for. */
  step: number | null;
  /** Σ γ^k · reward of the following steps (this one included); null when no step of the rest has a reward. */
  discounted_return: number | null;
}

/** How a triplet's reward was found, most explicit first. */
export const REWARD_MATCHES = ['decision_id', 'link', 'ancestor', 'time', 'none'] as const;
export type RewardMatch = (typeof REWARD_MATCHES)[number];
