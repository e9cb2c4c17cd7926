export {
  init,
  type TradeTrace,
  type DecisionInput,
  type DecisionResult,
  type DecisionScope,
  type RewardInput,
  type PositionCloseInput,
  type LlmCallInput,
  type ContextValue,
} from './tradetrace-sdk.ts';
export { SdkOptionsSchema, readSdkEnvironment, type SdkOptions } from './sdk-options.ts';
export { strategyVersionId, canonicalJson, type StrategyRef } from './strategy-version.ts';
export type { ChatRequestLike, ChatCompletionLike } from './llm-call-attributes.ts';
export * as semconv from './semconv/trading-attributes.ts';
