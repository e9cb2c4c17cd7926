/**
 * Every attribute key, event name and enumerated value of tradetrace's semantic conventions (docs/semconv.md).
 * The SDK emits no key that is not named here, so the `trading` prefix lives in one place and readers (collector
 * views, adapters, dashboards) can import the same names. `sdk/test/semconv-doc.test.ts` checks that this module and
 * docs/semconv.md list exactly the same keys.
 */
const P = 'trading';

/**
 * `trading.<name>`, internalized like a string literal: a key built at run time is not, and V8 then hashes and looks
 * it up again in every object literal that uses it as a computed key (measured ~0.25 µs per key per literal).
 */
function key(name: string): string {
  return Object.keys({ [`${P}.${name}`]: 0 })[0]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Resource: who emits.
// ---------------------------------------------------------------------------------------------------------------
/** OTel `service.name`: the bot. */
export const ATTR_SERVICE_NAME = 'service.name';
/** OTel `service.version`: the bot's build. */
export const ATTR_SERVICE_VERSION = 'service.version';
/** OTel `deployment.environment.name`. */
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
/** This running instance of the bot. */
export const ATTR_TRADING_BOT_ID = key('bot.id');

// ---------------------------------------------------------------------------------------------------------------
// Every trading span.
// ---------------------------------------------------------------------------------------------------------------
export const ATTR_TRADING_OPERATION_NAME = key('operation.name');
export const ATTR_TRADING_SYMBOL = key('symbol');
export const ATTR_TRADING_EXCHANGE = key('exchange');
export const ATTR_TRADING_MARKET_TYPE = key('market.type');
export const ATTR_TRADING_MODE = key('mode');
export const ATTR_TRADING_STRATEGY_NAME = key('strategy.name');
export const ATTR_TRADING_STRATEGY_VERSION = key('strategy.version');
/** OTel `error.type` on spans whose operation failed. */
export const ATTR_ERROR_TYPE = 'error.type';

// ---------------------------------------------------------------------------------------------------------------
// Decision span `decide {symbol}`.
// ---------------------------------------------------------------------------------------------------------------
export const ATTR_TRADING_DECISION_ID = key('decision.id');
export const ATTR_TRADING_DECISION_ACTION = key('decision.action');
export const ATTR_TRADING_DECISION_KIND = key('decision.kind');
export const ATTR_TRADING_DECISION_CONFIDENCE = key('decision.confidence');
export const ATTR_TRADING_DECISION_SIZE = key('decision.size');
export const ATTR_TRADING_DECISION_REASON = key('decision.reason');
/** Prefix of what the bot saw when deciding: `trading.context.price`, `trading.context.rsi_14`, ... */
export const ATTR_TRADING_CONTEXT_PREFIX = key('context.');
/** Last traded or mid price of the symbol when the decision was made; required when known. */
export const ATTR_TRADING_CONTEXT_PRICE = key('context.price');
export const ATTR_TRADING_CONTEXT_BID = key('context.bid');
export const ATTR_TRADING_CONTEXT_ASK = key('context.ask');
/** Signed position size held before the decision (positive long, negative short, 0 flat). */
export const ATTR_TRADING_CONTEXT_POSITION_AMOUNT = key('context.position.amount');
/** Free quote-currency balance before the decision. */
export const ATTR_TRADING_CONTEXT_BALANCE_FREE = key('context.balance.free');
/** OTel feature-flag keys: which A/B split chose the strategy version, and the variant this decision got. */
export const ATTR_FEATURE_FLAG_KEY = 'feature_flag.key';
export const ATTR_FEATURE_FLAG_RESULT_VARIANT = 'feature_flag.result.variant';
export const ATTR_FEATURE_FLAG_PROVIDER_NAME = 'feature_flag.provider.name';

// ---------------------------------------------------------------------------------------------------------------
// LLM call span `{gen_ai.operation.name} {gen_ai.request.model}`: OpenTelemetry GenAI conventions (v1.41 names).
// ---------------------------------------------------------------------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
/** The tools the model was offered: `[{ type: 'function', name, description?, parameters? }]`. Captured with messages. */
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
/** True when the answer came from an in-run cache (a backtest search's `LlmGateway`): no provider call, no tokens spent. */
export const ATTR_TRADING_LLM_CACHED = key('llm.cached');
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';

// ---------------------------------------------------------------------------------------------------------------
// Order spans `submit_order {symbol}`, `cancel_order {symbol}`, `order_update {symbol}`: CCXT Order, FIX tags.
// ---------------------------------------------------------------------------------------------------------------
export const ATTR_TRADING_ORDER_ID = key('order.id');
export const ATTR_TRADING_ORDER_CLIENT_ORDER_ID = key('order.client_order_id');
export const ATTR_TRADING_ORDER_SIDE = key('order.side');
export const ATTR_TRADING_ORDER_TYPE = key('order.type');
export const ATTR_TRADING_ORDER_TIME_IN_FORCE = key('order.time_in_force');
export const ATTR_TRADING_ORDER_PRICE = key('order.price');
export const ATTR_TRADING_ORDER_TRIGGER_PRICE = key('order.trigger_price');
export const ATTR_TRADING_ORDER_STOP_LOSS_PRICE = key('order.stop_loss_price');
export const ATTR_TRADING_ORDER_TAKE_PROFIT_PRICE = key('order.take_profit_price');
export const ATTR_TRADING_ORDER_AMOUNT = key('order.amount');
export const ATTR_TRADING_ORDER_STATUS = key('order.status');
export const ATTR_TRADING_ORDER_FILLED = key('order.filled');
export const ATTR_TRADING_ORDER_REMAINING = key('order.remaining');
export const ATTR_TRADING_ORDER_AVERAGE = key('order.average');
export const ATTR_TRADING_ORDER_COST = key('order.cost');
export const ATTR_TRADING_ORDER_FEE_COST = key('order.fee.cost');
export const ATTR_TRADING_ORDER_FEE_CURRENCY = key('order.fee.currency');
export const ATTR_TRADING_ORDER_REDUCE_ONLY = key('order.reduce_only');
export const ATTR_TRADING_ORDER_POST_ONLY = key('order.post_only');

/** Event on an order span, one per fill (CCXT Trade). */
export const EVENT_TRADING_ORDER_FILL = key('order.fill');
export const ATTR_TRADING_TRADE_ID = key('trade.id');
export const ATTR_TRADING_FILL_PRICE = key('fill.price');
export const ATTR_TRADING_FILL_AMOUNT = key('fill.amount');
export const ATTR_TRADING_FILL_COST = key('fill.cost');
export const ATTR_TRADING_FILL_FEE_COST = key('fill.fee.cost');
export const ATTR_TRADING_FILL_FEE_CURRENCY = key('fill.fee.currency');
export const ATTR_TRADING_FILL_LIQUIDITY = key('fill.liquidity');

// ---------------------------------------------------------------------------------------------------------------
// Position close span `close_position {symbol}`: CCXT Position.
// ---------------------------------------------------------------------------------------------------------------
export const ATTR_TRADING_POSITION_ID = key('position.id');
export const ATTR_TRADING_POSITION_SIDE = key('position.side');
export const ATTR_TRADING_POSITION_ENTRY_PRICE = key('position.entry_price');
export const ATTR_TRADING_POSITION_EXIT_PRICE = key('position.exit_price');
export const ATTR_TRADING_POSITION_AMOUNT = key('position.amount');
export const ATTR_TRADING_POSITION_REALIZED_PNL = key('position.realized_pnl');
export const ATTR_TRADING_POSITION_REALIZED_RETURN = key('position.realized_return');
export const ATTR_TRADING_POSITION_FEES = key('position.fees');
export const ATTR_TRADING_POSITION_DURATION_S = key('position.duration_s');
export const ATTR_TRADING_POSITION_EXIT_REASON = key('position.exit_reason');
export const ATTR_TRADING_POSITION_LEVERAGE = key('position.leverage');
export const ATTR_TRADING_POSITION_MARGIN_MODE = key('position.margin_mode');

// ---------------------------------------------------------------------------------------------------------------
// Reward: event `trading.reward` on the decision span, or span `reward {symbol}` linked to it.
// ---------------------------------------------------------------------------------------------------------------
export const EVENT_TRADING_REWARD = key('reward');
export const ATTR_TRADING_REWARD_VALUE = key('reward.value');
export const ATTR_TRADING_REWARD_NAME = key('reward.name');
export const ATTR_TRADING_REWARD_KIND = key('reward.kind');
/** UCUM-style unit of the value: `1` for a return (a ratio), a currency code (`USDT`) for an amount. */
export const ATTR_TRADING_REWARD_UNIT = key('reward.unit');
/** `true` on the component that is the decision's primary reward (the component keeps its own name). */
export const ATTR_TRADING_REWARD_PRIMARY = key('reward.primary');
export const ATTR_TRADING_REWARD_HORIZON_S = key('reward.horizon_s');

/** Default `trading.reward.name`. */
export const DEFAULT_REWARD_NAME = 'primary';

// ---------------------------------------------------------------------------------------------------------------
// Enumerated values.
// ---------------------------------------------------------------------------------------------------------------
/** Values of `trading.operation.name`. `order_update` is a later status change or fill of an order already submitted. */
export const TRADING_OPERATIONS = [
  'decide',
  'submit_order',
  'cancel_order',
  'order_update',
  'close_position',
  'reward',
] as const;
export type TradingOperation = (typeof TRADING_OPERATIONS)[number];

export const DECISION_ACTIONS = ['buy', 'sell', 'hold', 'close'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export const DECISION_KINDS = ['llm', 'rule', 'hybrid'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const TRADING_MODES = ['live', 'paper', 'backtest'] as const;
export type TradingMode = (typeof TRADING_MODES)[number];

export const MARKET_TYPES = ['spot', 'swap', 'future', 'option', 'margin'] as const;
export type MarketType = (typeof MARKET_TYPES)[number];

export const REWARD_KINDS = ['realized', 'mark_to_market', 'counterfactual'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

/** CCXT order statuses. */
export const ORDER_STATUSES = ['open', 'closed', 'canceled', 'expired', 'rejected'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const FILL_LIQUIDITIES = ['maker', 'taker'] as const;
export type FillLiquidity = (typeof FILL_LIQUIDITIES)[number];

export const POSITION_SIDES = ['long', 'short'] as const;
export type PositionSide = (typeof POSITION_SIDES)[number];

/** Suggested `trading.position.exit_reason` values (free text is allowed). */
export const EXIT_REASONS = [
  'take_profit',
  'stop_loss',
  'signal',
  'trailing_stop',
  'liquidation',
  'timeout',
  'manual',
] as const;

// ---------------------------------------------------------------------------------------------------------------
// Strategy version registration span `tradetrace.strategy.version`: a version the bot runs, with its config.
// ---------------------------------------------------------------------------------------------------------------
/** The name of the span that registers a version the bot runs (one per version, sent until the collector confirms). */
export const STRATEGY_VERSION_SPAN_NAME = 'tradetrace.strategy.version';
/** The version's canonical config (JSON, schema defaults applied), secrets redacted. */
export const ATTR_TRADING_STRATEGY_CONFIG = key('strategy.config');
/** True when secrets were redacted from the config: the version id is still the hash of the full config. */
export const ATTR_TRADING_STRATEGY_CONFIG_REDACTED = key('strategy.config_redacted');
