import { userInfo } from 'node:os';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  parseOhlcvCsv,
  runSearch,
  type SearchOptions,
  type SearchProgress,
  type SearchRunResult,
} from '@tradetrace/analytics';
import { startCollector } from '@tradetrace/collector';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { readFlagFile, readFlagJson } from '../flag-files.ts';
import { addStorageFlags, parseOptions, StorageFlagsSchema } from '../cli-options.ts';
import { fixed, formatTable } from './stats-command.ts';

const OptimizeFlagsSchema = StorageFlagsSchema.extend({
  bot: z.string().min(1, 'give the module that default-exports the bot'),
  csv: z.array(z.string().min(1)).min(1, 'give at least one candle file'),
  symbol: z.array(z.string().min(1)).optional(),
  space: z.string().min(1),
  base: z.string().min(1).optional(),
  search: z.enum(['grid', 'random', 'beam']).optional(),
  trials: z.coerce.number().int().positive().max(10_000).optional(),
  seed: z.coerce.number().int(),
  holdout: z.coerce.number().gt(0, 'must be between 0 and 1').lt(1, 'must be between 0 and 1'),
  beamWidth: z.coerce.number().int().positive(),
  cscvBlocks: z.coerce
    .number()
    .int()
    .min(2)
    .max(20)
    .refine((s) => s % 2 === 0, 'must be even'),
  minDsr: z.coerce.number().gt(0).lt(1),
  maxPbo: z.coerce.number().gt(0).max(1),
  promote: z.boolean().default(false),
  actor: z.string().min(1),
  feeRate: z.coerce.number().min(0).max(0.1),
  slippageBps: z.coerce.number().min(0).max(1000),
  notional: z.coerce.number().positive(),
  runId: z.string().min(1).optional(),
  concurrency: z.coerce.number().int().positive().optional(),
  json: z.boolean().default(false),
  progress: z.boolean().default(true),
  maxLlmCalls: z.coerce.number().int('must be a whole number of calls').positive('must be at least 1').optional(),
  maxLlmCostUsd: z.coerce.number().positive('must be more than 0 USD').optional(),
  llmCache: z.boolean().default(true),
});

const defaultActor = () => {
  try {
    return `${userInfo().username} (tradetrace optimize)`;
  } catch {
    return 'tradetrace optimize';
  }
};

/** `--symbol` once per `--csv`, in the same order; one file may leave it out (BTC/USDT). */
function symbolsFor(csv: readonly string[], symbols: readonly string[] | undefined): string[] {
  if (!symbols) {
    if (csv.length > 1) throw new CliError('--symbol: give one --symbol per --csv when searching several markets');
    return ['BTC/USDT'];
  }
  if (symbols.length !== csv.length)
    throw new CliError(`--symbol: ${symbols.length} symbols for ${csv.length} --csv files; give one per file`);
  if (new Set(symbols).size !== symbols.length) throw new CliError('--symbol: each market needs its own symbol');
  return [...symbols];
}

/** A bar on stderr while trials run: done/planned, the best in-sample Sharpe so far, time left. */
function progressBar(): { update(progress: SearchProgress): void; stop(): void } {
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'trials [{bar}] {value}/{total} | best Sharpe {best} | {eta_formatted} left',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update({ done, planned, best }) {
      const payload = { best: best ? `${best.sharpe.toFixed(4)} (trial ${best.trial})` : '–' };
      if (!started) {
        bar.start(planned, done, payload);
        started = true;
      } else {
        bar.setTotal(planned);
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

const trialCount = (n: number) => `${n} trial${n === 1 ? '' : 's'}`;

/** What the trials' LLM calls used, and whether the budget stopped the run; nothing for a bot that calls no LLM. */
function llmLines(result: SearchRunResult): string[] {
  const llm = result.llm;
  if (!llm || (llm.calls + llm.cached + llm.refused === 0 && llm.max_calls === null && llm.max_cost_usd === null))
    return [];
  const limits = [
    llm.max_calls === null ? '' : `${llm.max_calls} calls`,
    llm.max_cost_usd === null ? '' : `${llm.max_cost_usd} USD`,
  ].filter(Boolean);
  const lines = [
    `LLM calls: ${llm.calls} sent, ${llm.cached} answered from the run's cache${llm.cache ? '' : ' (off)'}, ${llm.refused} refused; ${llm.cost_usd.toFixed(4)} USD${llm.unpriced_calls > 0 ? ` (+ ${llm.unpriced_calls} calls of unpriced models)` : ''}${limits.length > 0 ? `; budget ${limits.join(', ')}` : ''}`,
  ];
  if (llm.budget_stopped)
    lines.push(
      `LLM budget reached: the search stopped after ${trialCount(result.trials.length)} (${llm.aborted_trials} cut short and excluded); the selection counts only the trials run`,
    );
  if (llm.holdout_cut > 0)
    lines.push(`LLM budget reached in the holdout: ${llm.holdout_cut} holdout replays cut short`);
  return lines;
}

function printSummary(result: SearchRunResult): void {
  const top = [...result.trials]
    .sort((a, b) => (b.in_sample.dsr ?? -1) - (a.in_sample.dsr ?? -1))
    .slice(0, 10)
    .map((t) => [
      String(t.trial),
      t.version,
      fixed(t.in_sample.sharpe, 4),
      fixed(t.in_sample.dsr),
      String(t.in_sample.trades),
      fixed(t.out_of_sample?.sharpe ?? null, 4),
    ]);
  process.stdout.write(formatTable(['trial', 'version', 'IS sharpe', 'dsr', 'IS trades', 'OOS sharpe'], top));
  const s = result.selected;
  const lines = [
    `${result.search} search ${result.run_id}: ${result.trials.length} trials${result.interrupted ? ' (interrupted)' : ''}; holdout ${result.holdout.out_of_sample_candles} candles from ${result.holdout.start_time}`,
    s
      ? `selected ${result.strategy}@${s.version} ${JSON.stringify(s.config)}: Sharpe ${fixed(s.sharpe, 4)} per candle, PSR ${fixed(s.psr)}, DSR ${fixed(s.dsr)} over ${s.trials} trials, MinTRL ${fixed(s.min_trl, 1)} candles, out of sample ${fixed(s.out_of_sample?.sharpe ?? null, 4)}`
      : 'no trial finished',
    ...llmLines(result),
    `PBO ${result.pbo ? `${fixed(result.pbo.value)} (CSCV, S = ${result.pbo.blocks}, ${result.pbo.combinations} combinations)` : 'not estimated'}`,
    ...result.gate.map((c) => `  ${c.passed ? 'pass' : 'FAIL'} ${c.test}: ${c.detail}`),
    result.promoted ? `promoted ${result.strategy}@${result.promoted}` : 'promoted nothing',
    ...result.reasons.map((r) => `  - ${r}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The command's flags and their help; `--help` lists them in this order. */
function optimizeCommand(program: Command): Command {
  return addStorageFlags(
    program
      .command('optimize')
      .description(
        'search a strategy config space with backtests, rank by deflated Sharpe, estimate PBO, test on a holdout, promote only what passes',
      )
      .requiredOption(
        '--bot <module>',
        'module that default-exports a BacktestBot ({ strategy, decide }); .js, or .ts on Node ≥ 22.18 (type stripping)',
      )
      .requiredOption('--csv <file...>', 'candles (timestamp,open,high,low,close,volume); repeat for several markets')
      .option('--symbol <symbol...>', 'symbol of each --csv, in the same order (default BTC/USDT for one file)')
      .requiredOption(
        '--space <file>',
        'JSON search space: config fields → [values] | {min,max,step|count,log} | nested',
      )
      .option('--base <file>', 'JSON config the space is applied to (default: the schema defaults)')
      .option('--search <kind>', 'grid | random | beam (default: grid when every dimension is discrete, else random)')
      .option('--trials <n>', 'most trials (default: the whole grid; random 20; beam 30)')
      .option('--seed <n>', 'seed of the random search and the fills: same seed and data, same answer', '1')
      .option('--holdout <fraction>', 'last fraction of the candles kept out of sample', '0.3')
      .option('--beam-width <k>', 'points the beam search keeps each round', '3')
      .option('--cscv-blocks <S>', 'even number of blocks for the PBO estimate (C(S, S/2) combinations)', '16')
      .option('--min-dsr <p>', 'deflated Sharpe ratio the selected trial needs to be promoted', '0.95')
      .option('--max-pbo <p>', 'probability of backtest overfitting must be below this to promote', '0.5')
      .option('--promote', 'promote the selected version when every test of the gate passes')
      .option('--actor <name>', 'who registers and promotes (audit trail)', defaultActor())
      .option('--fee-rate <fraction>', 'fee per fill as a fraction of notional', '0.001')
      .option('--slippage-bps <bps>', 'worst-case slippage per fill', '5')
      .option('--notional <quote>', 'quote notional per position', '1000')
      .option('--run-id <id>', 'name of the search run (decision ids, version notes; default search-<time>)')
      .option('--concurrency <n>', 'backtest worker threads at once (default: the machine parallelism)')
      .option(
        '--max-llm-calls <n>',
        'most LLM calls the trials send, holdout replays included (cached answers are free): the search may use (1 − holdout) of it; a trial the budget cuts short is excluded',
      )
      .option(
        '--max-llm-cost-usd <usd>',
        'most USD the trials spend on LLM calls, at the list prices of models with a known price (overshoot: at most the calls in flight)',
      )
      .option(
        '--no-llm-cache',
        'send every LLM call (by default identical temperature-0 calls within the run are sent once)',
      )
      .option('--json', 'print the result as one JSON object (no progress bar)')
      .option('--no-progress', 'no progress bar (it is off anyway when stderr is not a terminal)'),
  );
}

type OptimizeFlags = z.output<typeof OptimizeFlagsSchema>;

/** Every `--csv` parsed, each with its symbol. */
async function readMarkets(flags: OptimizeFlags) {
  const symbols = symbolsFor(flags.csv, flags.symbol);
  return Promise.all(
    flags.csv.map(async (path, i) => ({
      symbol: symbols[i]!,
      candles: parseOhlcvCsv(await readFlagFile(path, '--csv'), path),
    })),
  );
}

/** The search options the flags and files make, before the collector's endpoint is known. */
async function searchOptionsFrom(flags: OptimizeFlags): Promise<Omit<SearchOptions, 'endpoint'>> {
  const markets = await readMarkets(flags);
  const space = await readFlagJson(flags.space, '--space');
  const base = flags.base === undefined ? {} : await readFlagJson(flags.base, '--base');
  if (typeof base !== 'object' || base === null || Array.isArray(base))
    throw new CliError(`--base: ${flags.base} must hold a JSON object (a config)`);
  return {
    botModule: flags.bot,
    markets,
    space,
    base: base as Record<string, unknown>,
    search: flags.search,
    trials: flags.trials,
    seed: flags.seed,
    holdout: flags.holdout,
    beamWidth: flags.beamWidth,
    cscvBlocks: flags.cscvBlocks,
    gate: { minDsr: flags.minDsr, maxPbo: flags.maxPbo },
    promote: flags.promote,
    actor: flags.actor,
    fill: { feeRate: flags.feeRate, slippageBps: flags.slippageBps, positionNotional: flags.notional },
    runId: flags.runId,
    concurrency: flags.concurrency,
    maxLlmCalls: flags.maxLlmCalls,
    maxLlmCostUsd: flags.maxLlmCostUsd,
    cacheLlmCalls: flags.llmCache,
  };
}

/** First Ctrl-C: stop starting trials and report the finished ones; a second one exits at once. Returns the remover. */
function stopOnInterrupt(controller: AbortController): () => void {
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the running trials (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}

async function optimize(raw: unknown): Promise<void> {
  const flags = parseOptions(OptimizeFlagsSchema, raw);
  const options = await searchOptionsFrom(flags);
  // The trials' spans go through an in-process collector on the same store, so stats and reports see them.
  const collector = await startCollector({
    dataPath: flags.data,
    clickhouseUrl: flags.clickhouseUrl,
    clickhouseUser: flags.clickhouseUser,
    clickhousePassword: flags.clickhousePassword ?? process.env.CLICKHOUSE_PASSWORD,
    database: flags.database,
    port: 0,
  });
  const controller = new AbortController();
  const removeInterruptHandler = stopOnInterrupt(controller);
  const bar = flags.progress && !flags.json && process.stderr.isTTY === true ? progressBar() : undefined;
  try {
    const result = await runSearch(
      collector.storage,
      { ...options, endpoint: collector.url },
      { signal: controller.signal, onProgress: bar?.update },
    );
    bar?.stop();
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printSummary(result);
  } finally {
    bar?.stop();
    removeInterruptHandler();
    await collector.close();
  }
}

export function registerOptimizeCommand(program: Command): void {
  optimizeCommand(program).action(optimize);
}
