import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { startCollector, type CollectorRoutePlugin } from '@tradetrace/collector';
import { readTriplets, writeTripletsJsonl } from '@tradetrace/adapters';
import { computeVersionStats, FillModelSchema, replayCandles, type VersionStats } from '@tradetrace/analytics';
import { init } from '@tradetrace/sdk';
import { z } from 'zod';
import { withExchangeExecution } from './exchange-execution.ts';
import { LLM_CONFIG, LLM_SAMPLED_CONFIG, llmBot, momentum, RULE_CONFIG, ruleBot } from './demo-strategies.ts';
import { SimulatedExchange, type ExchangeActivity } from './simulated-exchange.ts';
import { startSimulatedLlmServer, type SimulatedLlmServer } from './simulated-llm-server.ts';
import { generateCandles, type MarketSpec } from './synthetic-market.ts';

export const DemoOptionsSchema = z.object({
  /** Folder of the demo's embedded engine; emptied at the start of each run. Unused with `endpoint`. */
  dataPath: z.string().min(1).default('./data/demo'),
  /** Send to a running collector instead of starting one on the embedded engine (e.g. the docker-compose stack). */
  endpoint: z.url().optional(),
  /** Candles per symbol (each gives one decision per strategy version). */
  candles: z.number().int().min(30).default(520),
  seed: z.number().int().default(42),
  /** Where progress and the result table go. */
  log: z
    .custom<(line: string) => void>((v) => typeof v === 'function')
    .default(() => (line: string) => process.stdout.write(`${line}\n`)),
  /** A real OpenAI-compatible endpoint instead of the simulated one (OPENAI_BASE_URL / OPENAI_API_KEY). */
  openaiBaseUrl: z.url().optional(),
  openaiApiKey: z.string().optional(),
  /**
   * Routes the embedded collector serves besides OTLP, as `tradetrace collector` does (the CLI passes its query API):
   * with them, the versions the bot runs register themselves in the demo's registry.
   */
  collectorRoutes: z.array(z.custom<CollectorRoutePlugin>((v) => typeof v === 'function')).default([]),
});
export type DemoOptions = z.input<typeof DemoOptionsSchema>;
type ResolvedDemoOptions = z.output<typeof DemoOptionsSchema>;

export interface DemoResult {
  decisions: number;
  closedPositions: number;
  /** What the simulated exchanges did with the bot's orders, all runs together. */
  exchange: ExchangeActivity;
  /** Per-version statistics read back from ClickHouse (embedded mode only). */
  versions?: VersionStats[];
  /** The triplets file (embedded mode only). */
  triplets?: { path: string; count: number };
}

const MARKETS: MarketSpec[] = [
  { symbol: 'SOL/USDC:USDC', startPrice: 150, volatility: 0.004 },
  { symbol: 'BTC/USDC:USDC', startPrice: 95_000, volatility: 0.0025 },
  { symbol: 'ETH/USDC:USDC', startPrice: 3_400, volatility: 0.0035 },
];

/**
 * The main job on the embedded engine: a collector in this process, a paper-trading bot running two versions of a
 * momentum strategy (rule-based and LLM-driven) on seeded synthetic markets through the backtest harness, everything sent through the real OTLP
 * exporter over HTTP, then a per-version table read back from ClickHouse and the triplets file. With `endpoint`,
 * only the bot runs, sending to that collector.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const o = DemoOptionsSchema.parse(options);
  const started = Date.now();
  if (o.endpoint !== undefined) {
    o.log(`collector: ${o.endpoint} (OTLP/HTTP; OTEL_EXPORTER_OTLP_HEADERS carries its token)`);
    const run = await runBot(o, o.endpoint);
    o.log(
      `done in ${((Date.now() - started) / 1000).toFixed(1)} s. Read the results in Grafana, or: npx tradetrace export --endpoint ${o.endpoint} --format jsonl`,
    );
    return run;
  }

  const dataPath = resolve(o.dataPath);
  rmSync(dataPath, { recursive: true, force: true });
  const collector = await startCollector({ port: 0, dataPath }, { routes: o.collectorRoutes });
  try {
    o.log(`collector: ${collector.url} (OTLP/HTTP), embedded ClickHouse in ${dataPath}`);
    const run = await runBot(o, collector.url);
    // A 200 from the collector means "durable" (maybe still in its write-ahead spool): wait until ClickHouse has it all.
    if (!(await collector.drain(120_000)))
      throw new Error('the collector did not write its spool into ClickHouse within 2 minutes');
    o.log('collector: every span is in ClickHouse');

    const versions = await computeVersionStats(collector.storage);
    const path = join(dataPath, 'triplets.jsonl');
    const count = await writeTripletsJsonl(readTriplets(collector.storage), path);
    const engines = new Map(
      [RULE_CONFIG, LLM_CONFIG, LLM_SAMPLED_CONFIG].map((config) => [momentum.version(config).version, config.engine]),
    );
    printVersionTable(versions, engines, o.log);
    o.log(`triplets: ${count} (decision, context, reward) records in ${path}`);
    o.log(
      `done in ${((Date.now() - started) / 1000).toFixed(1)} s. Next: npx tradetrace stats --data ${o.dataPath}; npx tradetrace report --data ${o.dataPath} --out report.html`,
    );
    return { ...run, versions, triplets: { path, count } };
  } finally {
    await collector.close();
  }
}

/**
 * The bot half of the demo: the LLM (simulated unless configured) and, for every symbol, both strategy versions
 * replayed through the analytics backtest harness as a paper-trading run (fills at the next candle's open, with fees
 * and slippage), all at once as a multi-symbol bot does.
 */
async function runBot(o: ResolvedDemoOptions, endpoint: string): Promise<DemoResult> {
  let llmServer: SimulatedLlmServer | undefined;
  try {
    const baseURL = o.openaiBaseUrl ?? (llmServer = await startSimulatedLlmServer()).baseURL;
    o.log(
      llmServer
        ? `LLM: simulated OpenAI-compatible server at ${baseURL} (set OPENAI_BASE_URL to use a real one)`
        : `LLM: ${baseURL}`,
    );
    const tt = init({
      serviceName: 'demo-paper-bot',
      serviceVersion: '0.1.0',
      botId: 'demo-1',
      environment: 'demo',
      endpoint,
      maxQueueSize: 65_536,
      scheduledDelayMillis: 200,
    });
    const client = new OpenAI({ baseURL, apiKey: o.openaiApiKey ?? 'demo-key-not-used', maxRetries: 0 });
    const fill = FillModelSchema.parse({});
    const markets = MARKETS.map((spec, i) => ({
      symbol: spec.symbol,
      candles: generateCandles(spec, o.candles, o.seed + i),
    }));
    o.log(
      `bot: strategy "momentum", versions ${[RULE_CONFIG, LLM_CONFIG, LLM_SAMPLED_CONFIG].map((c) => `${momentum.version(c).version} (${c.engine})`).join(' and ')}, ${markets.length} symbols × ${o.candles} candles`,
    );

    const exchanges: SimulatedExchange[] = [];
    const runs = markets.flatMap(({ symbol, candles }, marketIndex) =>
      [
        { bot: ruleBot, config: RULE_CONFIG },
        { bot: llmBot(client, tt, symbol), config: LLM_CONFIG },
        { bot: llmBot(client, tt, symbol), config: LLM_SAMPLED_CONFIG },
      ].map(({ bot, config }, botIndex) => {
        // Each run sends its orders to a simulated exchange of its own, seeded per run: the same orders every time.
        const exchange = new SimulatedExchange({
          seed: o.seed * 101 + marketIndex * 3 + botIndex,
          idPrefix: `demo-${symbol.split('/')[0]!.toLowerCase()}-${botIndex}`,
        });
        exchanges.push(exchange);
        return replayCandles({
          bot: withExchangeExecution(bot, {
            tt,
            exchange,
            symbol,
            exchangeName: 'hyperliquid',
            notional: fill.positionNotional,
          }),
          config,
          candles,
          symbol,
          fill,
          seed: o.seed,
          runId: `demo-${symbol.split('/')[0]!.toLowerCase()}`,
          tt,
          mode: 'paper',
          exchange: 'hyperliquid',
        });
      }),
    );
    const results = await Promise.all(runs);
    await tt.shutdown();
    const decisions = results.reduce((n, r) => n + r.decisions, 0);
    const closedPositions = results.reduce((n, r) => n + r.trades.length, 0);
    const exchange = sumActivity(exchanges.map((e) => e.activity()));
    o.log(`bot: ${decisions} decisions, ${closedPositions} closed positions; spans sent to the collector`);
    o.log(
      `exchange (simulated): ${exchange.orders} orders (${exchange.rejected} rejected, ${exchange.canceled} canceled), ${exchange.fills} fills, ${exchange.fees.toFixed(2)} in fees`,
    );
    return { decisions, closedPositions, exchange };
  } finally {
    await llmServer?.close();
  }
}

function sumActivity(all: ExchangeActivity[]): ExchangeActivity {
  const total: ExchangeActivity = { orders: 0, rejected: 0, canceled: 0, fills: 0, fees: 0 };
  for (const a of all) for (const key of Object.keys(total) as (keyof ExchangeActivity)[]) total[key] += a[key];
  return total;
}

function printVersionTable(rows: VersionStats[], engines: Map<string, string>, log: (line: string) => void): void {
  const header = [
    'version',
    'engine',
    'decisions',
    'closed trades',
    'win rate',
    'total P&L (USD)',
    'Sharpe/trade',
    'PSR',
  ];
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
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log('');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) log(line(row));
  log('');
}
