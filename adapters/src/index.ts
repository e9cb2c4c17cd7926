export type {
  Triplet,
  LlmCall,
  DecisionError,
  RewardMatch,
  TripletReward,
  TripletOutcome,
  TripletEpisode,
} from './triplet.ts';
export { REWARD_MATCHES, TripletSchema, LlmCallSchema } from './triplet.ts';
export {
  TripletFilterSchema,
  TRIPLET_FILTER_QUERY_PARAMS,
  tripletFilterFromQuery,
  tripletFilterToQuery,
  type TripletFilter,
} from './triplet-filter.ts';
export {
  resolveExtractionOptions,
  type ExtractionOptions,
  type ResolvedExtractionOptions,
} from './extraction-options.ts';
export { readTriplets, tripletsFromFacts } from './triplet-export.ts';
export type { StagedPaging } from './sql/staged-readers.ts';
export { writeTripletsJsonl, readTripletsJsonl, readJsonLines } from './formats/jsonl-format.ts';
export { writeTripletsCsv, readTripletsCsv, CSV_COLUMNS } from './formats/csv-format.ts';
export {
  writeAgentLightning,
  writeOpenAiChat,
  writePreferencePairs,
  writeOpenAiDpo,
  readValidatedJsonl,
  toAgentLightning,
  AgentLightningTripletSchema,
  ChatExampleSchema,
  PreferencePairSchema,
  OpenAiDpoExampleSchema,
  type AgentLightningTriplet,
  type ChatExample,
  type PreferencePair,
  type OpenAiDpoExample,
  type TrainingExportOptions,
  type TrainingExportStats,
} from './formats/training-formats.ts';
export { renderCall, type RenderedCall, type OpenAiMessage, type OpenAiTool } from './formats/openai-chat-messages.ts';
export type { ExportTarget } from './formats/line-output.ts';
export { TRIPLET_JSON_SCHEMA } from './triplet-json-schema.ts';
export { assembleTriplet } from './triplet-assembler.ts';
export { withEpisodeReturns } from './episode-returns.ts';
export type { DecisionFacts, LlmCallFacts } from './decision-facts.ts';
export { LLM_KEYS, SPAN_BOT_ID } from './sql/decision-facts-ctes.ts';
export { decisionFactsQuery, type DecisionFactsQuery } from './sql/decision-facts-query.ts';
export { readDecisionFactsSql, decisionFactsQueryFor, countDecisions } from './sql/sql-triplet-reader.ts';
export {
  primaryReward,
  type PrimaryReward,
  parsePrimaryRewardRule,
  type PrimaryRewardRule,
  type RewardComponent,
} from './reward/primary-reward-rule.ts';
export type { RewardFunction } from './reward/reward-function.ts';
export {
  REWARD_PRESETS,
  settlementCurrency,
  realizedPnlReward,
  realizedReturnReward,
  markToMarketReturnReward,
  holdOpportunityCostReward,
} from './reward/reward-presets.ts';
export { createSpanForest, type SpanForest, type SpanNode } from './tree/span-forest.ts';
export {
  decisionFactsFromSpans,
  type RewardLogRecord,
  type StrategyVersionRecord,
} from './tree/decision-facts-from-spans.ts';
export { tripletsFromSpans } from './tree/span-tree-triplets.ts';
export { writeTripletsParquet, readTripletsParquet, type ParquetExportResult } from './formats/parquet-format.ts';
export { tripletProjection, canProjectInSql, TRIPLET_STRUCTURE } from './sql/triplet-projection.ts';
export { readTripletsFromEndpoint, TRIPLETS_API_PATH } from './triplet-endpoint-client.ts';
