export { runDemo, DemoOptionsSchema, type DemoOptions, type DemoResult } from './run-demo.ts';
export { generateCandles, type MarketSpec } from './synthetic-market.ts';
export { startSimulatedLlmServer, type SimulatedLlmServer } from './simulated-llm-server.ts';
export { PaperBroker, DEFAULT_FILL_MODEL, type ClosedPosition, type OpenPosition, type FillModel } from './paper-broker.ts';
export { runPaperTradingBot, type Market, type PaperTradingRun, type PaperTradingResult } from './paper-trading-bot.ts';
export { ruleStrategy, llmStrategy, RULE_CONFIG, LLM_CONFIG, STRATEGY_NAME, type DemoStrategy } from './demo-strategies.ts';
export { computeFeatures, type MarketFeatures } from './market-features.ts';
