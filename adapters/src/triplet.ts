import { z } from 'zod';

/** How a triplet's reward was found, most explicit first. */
export const REWARD_MATCHES = ['decision_id', 'link', 'ancestor', 'time', 'none'] as const;
export type RewardMatch = (typeof REWARD_MATCHES)[number];

const nullableNumber = z.number().nullable();

/** Every `gen_ai.*` span in the decision's subtree, in start order. */
export const LlmCallSchema = z
  .strictObject({
    model: z.string().describe('the model that answered (`gen_ai.response.model`), else the one requested'),
    request_model: z.string().describe('`gen_ai.request.model`; "" when not recorded'),
    response_model: z.string().describe('`gen_ai.response.model`; "" when not recorded'),
    provider: z.string().describe('`gen_ai.provider.name` (or the older `gen_ai.system`)'),
    system_instructions: z
      .unknown()
      .describe('`gen_ai.system_instructions` parsed (a system prompt sent apart from the messages); null when none'),
    input_messages: z
      .unknown()
      .describe('`gen_ai.input.messages` parsed (GenAI message parts); null when not captured'),
    output_messages: z.unknown().describe('`gen_ai.output.messages` parsed; null when not captured'),
    tool_definitions: z.unknown().describe('`gen_ai.tool.definitions` parsed: the tools the model was offered'),
    input_tokens: nullableNumber.describe('`gen_ai.usage.input_tokens`'),
    output_tokens: nullableNumber.describe('`gen_ai.usage.output_tokens`'),
  })
  .describe('one LLM call');

export const DecisionErrorSchema = z
  .strictObject({
    type: z.string().describe('`error.type` of the decide span, `_OTHER` when the span has an error status only'),
    message: z.string().describe("the span's status message"),
  })
  .describe('why the decide function failed');

export const TripletRewardSchema = z.strictObject({
  value: nullableNumber.describe(
    'the reward by the primary rule; null when nothing matched, or when components in different units have no primary',
  ),
  primary: z
    .string()
    .nullable()
    .describe('name of the component `value` is (the marked primary one, or the one the rule names); null for a sum'),
  unit: z
    .string()
    .nullable()
    .describe('unit of `value` ("" when unitless); null when `value` is null or a weighted mix of units'),
  components: z.record(z.string(), z.number()).describe('every named reward component, latest value per name'),
  units: z
    .record(z.string(), z.string())
    .describe('unit of each component (`trading.reward.unit`, "" when none), by name'),
  kind: z.string().nullable().describe('kind of the primary component, else of the first by name'),
  match: z.enum(REWARD_MATCHES).describe('how the reward was found, most explicit first'),
  count: z.int().min(0).describe('how many reward signals were matched at that level'),
});

export const TripletOutcomeSchema = z.strictObject({
  orders: z.int().min(0).describe('`submit_order` spans naming the decision'),
  filled_amount: z.number().describe('`trading.order.filled` summed'),
  realized_pnl: nullableNumber.describe('realized P&L of the positions closed for the decision (quote currency)'),
  realized_return: nullableNumber.describe('realized return of those positions (a fraction)'),
  horizon_s: z.number().gt(0).nullable().describe('horizon of the mark-to-market figures in seconds'),
  price_at_horizon: nullableNumber.describe('first price observed on the symbol at least `horizon_s` later'),
  market_return: nullableNumber.describe('(price_at_horizon − price) / price, unsigned by the action'),
});

export const TripletEpisodeSchema = z.strictObject({
  id: z.string().nullable().describe('`trading.episode.id`, else the position the decision opened or closed'),
  step: z.int().min(0).nullable().describe('0-based place in the episode; null without `--gamma`'),
  discounted_return: nullableNumber.describe('Σ γ^k · reward of this and the following steps'),
});

/**
 * One decision paired with what the bot saw and what it earned: the record every export format is made from.
 * This schema is its only definition: the type, the JSON Schema and the field table of docs/triplets.md derive from
 * it. Field names are fixed; other tools read them.
 */
export const TripletSchema = z
  .strictObject({
    decision_id: z.string().min(1).describe('`trading.decision.id`, else the decide span id'),
    trace_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .describe("the decide span's trace id"),
    span_id: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .describe("the decide span's id"),
    timestamp: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/)
      .describe('start of the decide span: RFC 3339 with nine fraction digits, UTC'),
    service_name: z.string().describe('resource attribute `service.name`'),
    bot_id: z.string().describe('`trading.bot.id` of the decision span, else of its resource'),
    strategy_name: z.string().describe('`trading.strategy.name`'),
    strategy_version: z.string().describe('`trading.strategy.version` (content hash of the config)'),
    strategy_config: z.unknown().describe("the version's config from the registry, parsed; null when unregistered"),
    symbol: z.string().describe('`trading.symbol`, CCXT unified (`SOL/USDC:USDC`)'),
    exchange: z.string().describe('`trading.exchange`'),
    mode: z.string().describe('live, paper or backtest'),
    decision: z
      .strictObject({
        action: z.string().describe('`trading.decision.action`; "" when the decision failed before it chose'),
        kind: z.string().describe('llm, rule or hybrid'),
        confidence: nullableNumber.describe('`trading.decision.confidence`'),
        size: nullableNumber.describe('`trading.decision.size`'),
        error: DecisionErrorSchema.nullable().describe('set when the decide function failed (error status)'),
        llm_calls: z.array(LlmCallSchema).describe("every LLM span in the decision's subtree, in start order"),
      })
      .describe('what the bot did'),
    context: z
      .record(z.string(), z.union([z.string(), z.number(), z.bigint(), z.boolean()]))
      .describe(
        '`trading.context.*` without the prefix, numbers and booleans typed back; an integer beyond 2^53 is a bigint, written as its exact digits',
      ),
    reward: TripletRewardSchema.describe('what the decision earned (see Reward attribution)'),
    outcome: TripletOutcomeSchema.describe('what became of its orders and positions'),
    episode: TripletEpisodeSchema.describe("the decision's place in its position's chain of decisions"),
  })
  .meta({ title: 'tradetrace triplet' });

export type Triplet = z.infer<typeof TripletSchema>;
export type LlmCall = z.infer<typeof LlmCallSchema>;
export type DecisionError = z.infer<typeof DecisionErrorSchema>;
export type TripletReward = z.infer<typeof TripletRewardSchema>;
export type TripletOutcome = z.infer<typeof TripletOutcomeSchema>;
export type TripletEpisode = z.infer<typeof TripletEpisodeSchema>;
