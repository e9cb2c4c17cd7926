export { init, type TradeTrace, type TradeTraceStats, type RunStrategyOptions } from './tradetrace-sdk.ts';
export type { DecisionInput, DecisionResult, DecisionScope } from './decision/decision-tracing.ts';
export type { ContextValue, ContextValues } from './decision/context-values.ts';
export { traceparentOf, spanContextFromTraceparent, type DecisionRef } from './decision-ref.ts';
export type { RewardInput } from './trading/reward-emission.ts';
export type { PositionCloseInput } from './trading/position-close.ts';
export {
  defineReward,
  rewardFunctions,
  settlementCurrency,
  type RewardFunction,
  type ClosedPosition,
} from './trading/reward-functions.ts';
export type { CcxtFee, CcxtOrderLike, CcxtTradeLike, CcxtPositionLike, OrderRequest } from './trading/ccxt-shapes.ts';
export type { SubmitOrderInput, CancelOrderInput, OrderLinkOptions } from './trading/order-tracing.ts';
export type { LlmCallInput, ChatRequestLike, ChatCompletionLike } from './llm/manual-llm-call.ts';
export type { OpenAILikeClient, AnthropicLikeClient, InstrumentLlmOptions } from './llm/llm-instrumentation.ts';
export type { GenAiMessage, GenAiPart } from './llm/genai-messages.ts';
export type { LlmGateway, LlmGatewayCall, LlmGatewayOutcome } from './llm/llm-gateway.ts';
export type {
  TradeTraceHooks,
  DecisionHookEvent,
  OrderHookEvent,
  FillHookEvent,
  PositionCloseHookEvent,
  RewardHookEvent,
} from './hooks.ts';
export type { ExportStats } from './export/bounded-export-queue.ts';
export { SecretRedactor, redactionMarker, type RedactionOptions } from './redaction/secret-redactor.ts';
export type { SdkLogger } from './safety/sdk-logger.ts';
export { SdkOptionsSchema, readSdkEnvironment, type SdkOptions } from './sdk-options.ts';
export {
  defineStrategy,
  strategyVersionId,
  canonicalJson,
  type StrategyRef,
  type StrategyVersion,
  type StrategyDefinition,
} from './strategy/strategy-version.ts';
export type { FeatureFlagAssignment } from './trading-context.ts';
export { SDK_VERSION } from './version.ts';
export * as semconv from './semconv/trading-attributes.ts';
export {
  createAbSplit,
  AbSplitOptionsSchema,
  type AbSplit,
  type AbSplitOptions,
  type AbSplitVariant,
  type AbAssignment,
} from './strategy-registry/ab-split.ts';
export {
  pollActiveVersion,
  ActiveVersionBodySchema,
  type ActiveVersionBody,
  type ActiveVersionPoller,
  type ActiveVersionPollerOptions,
} from './strategy-registry/active-version-poller.ts';
