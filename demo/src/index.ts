export { runDemo, DemoOptionsSchema, type DemoOptions, type DemoResult } from './run-demo.ts';
export { generateCandles, type MarketSpec } from './synthetic-market.ts';
export { startSimulatedLlmServer, type SimulatedLlmServer } from './simulated-llm-server.ts';
export {
  ruleBot,
  llmBot,
  momentum,
  RULE_CONFIG,
  LLM_CONFIG,
  LLM_SAMPLED_CONFIG,
  type StrategyConfig,
} from './demo-strategies.ts';
export { computeFeatures, type MarketFeatures } from './market-features.ts';
