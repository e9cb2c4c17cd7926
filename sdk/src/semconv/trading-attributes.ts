/**
 * Attribute keys of tradetrace's trading semantic conventions (docs/semconv.md). Every key the SDK emits is
 * named here, so the prefix lives in one place and readers (collector views, adapters) can import the same names.
 */
const P = 'trading';

export const ATTR_TRADING_OPERATION_NAME = `${P}.operation.name`;
export const ATTR_TRADING_BOT_ID = `${P}.bot.id`;

export const ATTR_TRADING_DECISION_ID = `${P}.decision.id`;
export const ATTR_TRADING_DECISION_ACTION = `${P}.decision.action`;
export const ATTR_TRADING_DECISION_KIND = `${P}.decision.kind`;
export const ATTR_TRADING_DECISION_CONFIDENCE = `${P}.decision.confidence`;
export const ATTR_TRADING_DECISION_SIZE = `${P}.decision.size`;
export const ATTR_TRADING_STRATEGY_NAME = `${P}.strategy.name`;
export const ATTR_TRADING_STRATEGY_VERSION = `${P}.strategy.version`;
export const ATTR_TRADING_SYMBOL = `${P}.symbol`;
export const ATTR_TRADING_EXCHANGE = `${P}.exchange`;
export const ATTR_TRADING_MARKET_TYPE = `${P}.market.type`;
export const ATTR_TRADING_MODE = `${P}.mode`;
/** Prefix of what the bot saw when deciding: `trading.context.price`, `trading.context.rsi_14`, ... */
export const ATTR_TRADING_CONTEXT_PREFIX = `${P}.context.`;

export const EVENT_TRADING_REWARD = `${P}.reward`;
export const ATTR_TRADING_REWARD_VALUE = `${P}.reward.value`;
export const ATTR_TRADING_REWARD_NAME = `${P}.reward.name`;
export const ATTR_TRADING_REWARD_KIND = `${P}.reward.kind`;
export const ATTR_TRADING_REWARD_UNIT = `${P}.reward.unit`;
export const ATTR_TRADING_REWARD_HORIZON_S = `${P}.reward.horizon_s`;

export const ATTR_TRADING_POSITION_ID = `${P}.position.id`;
export const ATTR_TRADING_POSITION_SIDE = `${P}.position.side`;
export const ATTR_TRADING_POSITION_ENTRY_PRICE = `${P}.position.entry_price`;
export const ATTR_TRADING_POSITION_EXIT_PRICE = `${P}.position.exit_price`;
export const ATTR_TRADING_POSITION_AMOUNT = `${P}.position.amount`;
export const ATTR_TRADING_POSITION_REALIZED_PNL = `${P}.position.realized_pnl`;
export const ATTR_TRADING_POSITION_REALIZED_RETURN = `${P}.position.realized_return`;
export const ATTR_TRADING_POSITION_FEES = `${P}.position.fees`;
export const ATTR_TRADING_POSITION_DURATION_S = `${P}.position.duration_s`;
export const ATTR_TRADING_POSITION_EXIT_REASON = `${P}.position.exit_reason`;

/** Values of `trading.operation.name`. */
export const TRADING_OPERATIONS = ['decide', 'submit_order', 'cancel_order', 'close_position', 'reward'] as const;
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
