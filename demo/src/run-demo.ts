import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { startCollector } from '@tradetrace/collector';
import { readTriplets, writeTripletsJsonl } from '@tradetrace/adapters';
import { computeVersionStats, type VersionStats } from '@tradetrace/analytics';
import { init } from '@tradetrace/sdk';
import { z } from 'zod';
import { LLM_CONFIG, llmStrategy, RULE_CONFIG, ruleStrategy } from './demo-strategies.ts';
import { runPaperTradingBot } from './paper-trading-bot.ts';
import { startSimulatedLlmServer, type SimulatedLlmServer } from './simulated-llm-server.ts';
import { generateCandles, type MarketSpec } from './synthetic-market.ts';

export const DemoOptionsSchema = z.object({
  /** Folder of the demo's embedded engine; emptied at the start of each run. */
  dataPath: z.string().min(1).default('./data/demo'),
  /** Candles per symbol (each gives one decision per strategy version). */
  candles: z.number().int().min(30).default(520),
  seed: z.number().int().default(42),
  /** Where progress and the result table go. */
  log: z.custom<(line: string) => void>((v) => typeof v === 'function').default(() => (line: string) => process.stdout.write(`${line}\n`)),
  /** A real OpenAI-compatible endpoint instead of the simulated one (OPENAI_BASE_URL / OPENAI_API_KEY). */
  openaiBaseUrl: z.url().optional(),
  openaiApiKey: z.string().optional(),
});
export type DemoOptions = z.input<typeof DemoOptionsSchema>;

export interface DemoResult {
  dataPath: string;
  triplesPath: string;
  decisions: number;
  triplets: number;
  versions: VersionStats[];
}

const MARKETS: MarketSpec[] = [
  { symbol: 'SOL/USDC:USDC', startPrice: 150, volatility: 0.004 },
  { symbol: 'BTC/USDC:USDC', startPrice: 95_000, volatility: 0.0025 },
  { symbol: 'ETH/USDC:USDC', startPrice: 3_400, volatility: 0.0035 },
];

/**
 * The main job on the embedded engine: a collector in this process, a paper-trading bot running two versions of a
 * momentum strategy (rule-based and LLM-driven) on seeded synthetic markets, everything sent through the real OTLP
 * exporter over HTTP, then a per-version table read back from ClickHouse and the triplets file.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const o = DemoOptionsSchema.parse(options);
  const dataPath = resolve(o.dataPath);
  rmSync(dataPath, { recursive: true, force: true });
  const started = Date.now();

  const collector = await startCollector({ port: 0, dataPath });
  let llmServer: SimulatedLlmServer | undefined;
  try {
    o.log(`collector: ${collector.url} (OTLP/HTTP), embedded ClickHouse in ${dataPath}`);
    const baseURL = o.openaiBaseUrl ?? (llmServer = await startSimulatedLlmServer()).baseURL;
    o.log(llmServer ? `LLM: simulated OpenAI-compatible server at ${baseURL} (set OPENAI_BASE_URL to use a real one)` : `LLM: ${baseURL}`);

    const tt = init({ serviceName: 'demo-paper-bot', serviceVersion: '0.1.0', botId: 'demo-1', environment: 'demo', endpoint: collector.url, maxQueueSize: 65_536, scheduledDelayMillis: 200 });
    const client = new OpenAI({ baseURL, apiKey: o.openaiApiKey ?? 'demo-key-not-used', maxRetries: 0 });
    const strategies = [ruleStrategy(RULE_CONFIG), llmStrategy(LLM_CONFIG, client, tt)];
    const markets = MARKETS.map((spec, i) => ({ symbol: spec.symbol, candles: generateCandles(spec, o.candles, o.seed + i) }));
    o.log(`bot: strategy "momentum", versions ${strategies.map((s) => `${s.ref.version} (${s.config.engine})`).join(' and ')}, ${markets.length} symbols × ${o.candles} candles`);

    let lastTenth = 0;
    const run = await runPaperTradingBot({
      tt,
      strategies,
      markets,
      exchange: 'hyperliquid',
      onStep: (done, total) => {
        const tenth = Math.floor((done / total) * 10);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          o.log(`  ${tenth * 10}%: ${done}/${total} candles`);
        }
      },
    });
    await tt.shutdown();
    // A 200 from the collector means "durable" (maybe still in its write-ahead spool): wait until ClickHouse has it all.
    if (!(await collector.drain(120_000))) throw new Error('the collector did not write its spool into ClickHouse within 2 minutes');
    o.log(`bot: ${run.decisions} decisions, ${run.closedPositions.length} closed positions; spans flushed to the collector and stored`);

    const versions = await computeVersionStats(collector.storage);
    const triplesPath = join(dataPath, 'triplets.jsonl');
    const triplets = await writeTripletsJsonl(readTriplets(collector.storage), triplesPath);
    const engines = new Map(strategies.map((s) => [s.ref.version, s.config.engine]));
    printVersionTable(versions, engines, o.log);
    o.log(`triplets: ${triplets} (decision, context, reward) records in ${triplesPath}`);
    o.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s. Explore: npx tradetrace export --data ${o.dataPath} --format jsonl`);
    return { dataPath, triplesPath, decisions: run.decisions, triplets, versions };
  } finally {
    await llmServer?.close();
    await collector.close();
  }
}

function printVersionTable(rows: VersionStats[], engines: Map<string, string>, log: (line: string) => void): void {
  const header = ['version', 'engine', 'decisions', 'closed trades', 'win rate', 'total P&L (USD)', 'Sharpe/trade', 'PSR'];
  const fixed = (value: number | null, digits: number) => (value === null ? '-' : value.toFixed(digits));
  const body = rows.map((r) => [
    `${r.strategy_name}@${r.strategy_version}`,
    engines.get(r.strategy_version) ?? '?',
    String(r.decisions),
    String(r.trades),
    r.win_rate === null ? '-' : `${(r.win_rate * 100).toFixed(1)}%`,
    r.total_pnl.toFixed(2),
    fixed(r.sharpe, 3),
    fixed(r.psr, 3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log('');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) log(line(row));
  log('');
}
