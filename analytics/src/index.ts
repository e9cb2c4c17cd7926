export { AnalyticsError, type AnalyticsErrorCode } from './analytics-error.ts';
export { standardNormalCdf, standardNormalQuantile } from './statistics/normal-distribution.ts';
export { mean, sampleMoments, populationVariance, type SampleMoments } from './statistics/moments.ts';
export { sharpeRatio, sortinoRatio, annualize } from './statistics/return-ratios.ts';
export { equityCurve, drawdownCurve, maxDrawdown } from './statistics/equity-curve.ts';
export { profitFactor, expectancy, winRate } from './statistics/pnl-ratios.ts';
export {
  probabilisticSharpeRatio,
  expectedMaxSharpe,
  deflatedSharpeRatio,
  minimumTrackRecordLength,
  sharpeStandardError,
  type SharpeEstimate,
} from './statistics/sharpe-inference.ts';
export {
  bootstrapDifference,
  quantileSorted,
  type BootstrapInterval,
  type TwoSampleBootstrapOptions,
} from './statistics/bootstrap.ts';
export { computeVersionStats, statsFromSeries, sharpeEstimate } from './version-stats/compute-version-stats.ts';
export { StatsFilterSchema, type StatsFilter } from './version-stats/stats-filter.ts';
export type { VersionStats, VersionTradeSeries } from './version-stats/version-stats.ts';
export {
  listVersions,
  showVersion,
  addVersion,
  activateVersion,
  rollbackVersion,
  diffVersions,
  getActiveVersion,
  readAuditTrail,
  AddVersionInputSchema,
  RegistryActionInputSchema,
  type AddVersionInput,
  type AddVersionResult,
  type RegistryActionInput,
} from './registry/strategy-registry.ts';
export { diffConfigs, type ConfigChange } from './registry/config-diff.ts';
export { listUnregisteredVersions, type UnregisteredVersion } from './registry/unregistered-versions.ts';
export { resolveVersionId, type ResolvedVersionId } from './registry/version-id-resolution.ts';
export {
  registerVersionFromSpans,
  SelfRegistrationRequestSchema,
  type SelfRegistrationRequest,
  type SelfRegistrationResult,
} from './registry/version-self-registration.ts';
export {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditEntry,
  type ActiveVersion,
  type StrategyVersionRecord,
} from './registry/strategy-version-record.ts';
export {
  compareVersions,
  decideVerdict,
  CompareOptionsSchema,
  type CompareOptions,
} from './comparison/compare-versions.ts';
export { promoteVersion, type PromoteInput, type PromoteResult } from './comparison/promote-version.ts';
export {
  applyAutoRollbackRule,
  AutoRollbackRuleSchema,
  type AutoRollbackRule,
  type AutoRollbackDecision,
} from './comparison/auto-rollback-rule.ts';
export {
  VERDICTS,
  type Verdict,
  type VersionComparison,
  type VersionEvidence,
} from './comparison/version-comparison.ts';
export { wilsonInterval } from './statistics/wilson-interval.ts';
export {
  answerActiveVersionRequest,
  ActiveVersionRequestSchema,
  type ActiveVersionRequest,
  type ActiveVersionAnswer,
  type AnswerOptions,
} from './registry/active-version-answer.ts';
export { parseOhlcvCsv, CandleRowSchema, OHLCV_COLUMNS } from './backtest/ohlcv-csv.ts';
export type { Candle } from './backtest/candle.ts';
export type { BacktestBot, BacktestDecision, BacktestDecisionInput } from './backtest/backtest-bot.ts';
export type { BacktestResult, BacktestTrade } from './backtest/backtest-result.ts';
export { FillModelSchema, SimulatedFills, type FillModel, type Fill } from './backtest/fill-model.ts';
export { SimulatedClock } from './backtest/simulated-clock.ts';
export { replayCandles, type ReplayInput } from './backtest/replay-candles.ts';
export { runBacktests, BacktestOptionsSchema, type BacktestOptions } from './backtest/run-backtests.ts';
export { collectReportData } from './report/collect-report-data.ts';
export { renderReportHtml } from './report/render-report-html.ts';
export type { ReportData, ReportVersion, ReportLlmModel, Estimate } from './report/report-data.ts';
export {
  probabilityOfBacktestOverfitting,
  type OverfittingEstimate,
} from './statistics/backtest-overfitting.ts';
export {
  runSearch,
  SearchOptionsSchema,
  type SearchOptions,
  type SearchHooks,
  type SearchProgress,
} from './search/run-search.ts';
export { parseSearchSpace, type SearchDimension } from './search/search-space.ts';
export { PromotionGateSchema, type PromotionGate } from './search/promotion-gate.ts';
export { readLatestSearchRuns } from './search/search-run-store.ts';
export type { SearchRunResult, SearchTrial, PeriodStats, GateCheck } from './search/search-result.ts';
