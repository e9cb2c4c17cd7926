/**
 * The attribute keys and event names the typed trading views read: tradetrace's semantic conventions
 * (docs/semconv.md, `sdk/src/semconv/trading-attributes.ts`) and the OpenTelemetry GenAI keys (v1.41). Storage
 * does not depend on the SDK; `storage/test/trading-attribute-keys.test.ts` checks that both name the same keys.
 */
export const KEY = {
  botId: 'trading.bot.id',
  operationName: 'trading.operation.name',
  symbol: 'trading.symbol',
  exchange: 'trading.exchange',
  marketType: 'trading.market.type',
  mode: 'trading.mode',
  strategyName: 'trading.strategy.name',
  strategyVersion: 'trading.strategy.version',
  errorType: 'error.type',

  decisionId: 'trading.decision.id',
  decisionAction: 'trading.decision.action',
  decisionKind: 'trading.decision.kind',
  decisionConfidence: 'trading.decision.confidence',
  decisionSize: 'trading.decision.size',
  decisionReason: 'trading.decision.reason',
  contextPrefix: 'trading.context.',
  contextPrice: 'trading.context.price',
  featureFlagKey: 'feature_flag.key',
  featureFlagVariant: 'feature_flag.result.variant',

  orderId: 'trading.order.id',
  orderClientOrderId: 'trading.order.client_order_id',
  orderSide: 'trading.order.side',
  orderType: 'trading.order.type',
  orderTimeInForce: 'trading.order.time_in_force',
  orderPrice: 'trading.order.price',
  orderTriggerPrice: 'trading.order.trigger_price',
  orderAmount: 'trading.order.amount',
  orderStatus: 'trading.order.status',
  orderFilled: 'trading.order.filled',
  orderRemaining: 'trading.order.remaining',
  orderAverage: 'trading.order.average',
  orderCost: 'trading.order.cost',
  orderFeeCost: 'trading.order.fee.cost',
  orderFeeCurrency: 'trading.order.fee.currency',
  orderReduceOnly: 'trading.order.reduce_only',
  orderPostOnly: 'trading.order.post_only',

  tradeId: 'trading.trade.id',
  fillPrice: 'trading.fill.price',
  fillAmount: 'trading.fill.amount',
  fillCost: 'trading.fill.cost',
  fillFeeCost: 'trading.fill.fee.cost',
  fillFeeCurrency: 'trading.fill.fee.currency',
  fillLiquidity: 'trading.fill.liquidity',

  positionId: 'trading.position.id',
  positionSide: 'trading.position.side',
  positionEntryPrice: 'trading.position.entry_price',
  positionExitPrice: 'trading.position.exit_price',
  positionAmount: 'trading.position.amount',
  positionRealizedPnl: 'trading.position.realized_pnl',
  positionRealizedReturn: 'trading.position.realized_return',
  positionFees: 'trading.position.fees',
  positionDurationS: 'trading.position.duration_s',
  positionExitReason: 'trading.position.exit_reason',
  positionLeverage: 'trading.position.leverage',

  rewardValue: 'trading.reward.value',
  rewardName: 'trading.reward.name',
  rewardKind: 'trading.reward.kind',
  rewardUnit: 'trading.reward.unit',
  rewardPrimary: 'trading.reward.primary',
  rewardHorizonS: 'trading.reward.horizon_s',

  genAiOperationName: 'gen_ai.operation.name',
  genAiProviderName: 'gen_ai.provider.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiResponseId: 'gen_ai.response.id',
  genAiResponseFinishReasons: 'gen_ai.response.finish_reasons',
  genAiUsageInputTokens: 'gen_ai.usage.input_tokens',
  genAiUsageOutputTokens: 'gen_ai.usage.output_tokens',
  genAiUsageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  genAiUsageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  serverAddress: 'server.address',
} as const;

/** Event and operation names the views select on. */
export const EVENT_ORDER_FILL = 'trading.order.fill';
export const EVENT_REWARD = 'trading.reward';
export const ORDER_OPERATIONS = ['submit_order', 'cancel_order', 'order_update'] as const;
export const DEFAULT_REWARD_NAME = 'primary';
