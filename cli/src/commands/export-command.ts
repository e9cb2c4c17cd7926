import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import {
  countDecisions,
  parsePrimaryRewardRule,
  readTriplets,
  readTripletsFromEndpoint,
  REWARD_PRESETS,
  TripletFilterSchema,
  writeAgentLightning,
  writeOpenAiChat,
  writeOpenAiDpo,
  writePreferencePairs,
  writeTripletsCsv,
  writeTripletsJsonl,
  writeTripletsParquet,
  type ExtractionOptions,
  type RewardFunction,
  type TrainingExportStats,
  type Triplet,
  type TripletFilter,
} from '@tradetrace/adapters';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { addStorageFlags, parseOptions, StorageFlagsSchema, storageOptionsFrom } from '../cli-options.ts';

const FORMATS = [
  'jsonl',
  'csv',
  'parquet',
  'agent-lightning',
  'openai-chat',
  'preference-pairs',
  'openai-dpo',
] as const;
type ExportFormat = (typeof FORMATS)[number];

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** `900`, `90s`, `15m`, `4h`, `1d` → seconds. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?[smhd]?$/, 'must be a duration such as 90s, 15m, 4h or 1d')
  .transform((text) => Number.parseFloat(text) * (UNITS[text.at(-1)!] ?? 1))
  .refine((s) => s > 0, 'must be longer than 0');
const number = (message: string) => z.coerce.number({ error: message }).refine(Number.isFinite, message);

const ExportFlagsSchema = StorageFlagsSchema.extend({
  format: z.enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` }),
  out: z.string().min(1).optional(),
  endpoint: z.url({ error: 'must be the collector URL, e.g. http://127.0.0.1:4318' }).optional(),
  token: z.string().min(1).optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  service: z.string().optional(),
  strategyVersion: z.string().optional(),
  symbol: z.string().optional(),
  mode: z.string().optional(),
  onlyRewarded: z.boolean().optional(),
  horizon: duration.optional(),
  matchByTime: z.boolean().optional(),
  rewardRule: z.string().optional(),
  rewardFn: z.string().optional(),
  gamma: number('must be a number between 0 and 1')
    .refine((g) => g >= 0 && g <= 1, 'must be between 0 and 1')
    .optional(),
  minReward: number('must be a number').optional(),
  minMargin: number('must be a number').optional(),
  includeFailed: z.boolean().optional(),
  progress: z.boolean(),
});
type ExportFlags = z.output<typeof ExportFlagsSchema>;

export function registerExportCommand(program: Command): void {
  addStorageFlags(
    program
      .command('export')
      .description('export (decision, context, reward) triplets')
      .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'jsonl')
      .option('--out <file>', 'output file (default: standard output; required for parquet)')
      .option('--endpoint <url>', 'read from a running collector (GET /api/v1/triplets) instead of the data folder')
      .option('--token <token>', 'read token for --endpoint (default: TRADETRACE_TOKEN)')
      .option('--since <time>', 'only decisions at or after this RFC 3339 time')
      .option('--until <time>', 'only decisions before this RFC 3339 time')
      .option('--service <name>', 'only decisions of this service.name')
      .option('--strategy-version <version>', 'only decisions of this strategy version')
      .option('--symbol <symbol>', 'only decisions on this symbol')
      .option('--mode <mode>', 'only decisions in this mode (live, paper, backtest)')
      .option('--only-rewarded', 'only decisions with a reward')
      .option('--horizon <duration>', 'mark-to-market horizon, e.g. 15m: price_at_horizon and market_return')
      .option(
        '--match-by-time',
        'last resort: match unattached rewards to the latest earlier decision of their service',
      )
      .option('--reward-rule <rule>', 'primary reward: default, sum, last, component:NAME, weighted:NAME=W,...')
      .option(
        '--reward-fn <list>',
        `reward functions: comma list of presets (${Object.keys(REWARD_PRESETS).join(', ')}) or module paths exporting a RewardFunction`,
      )
      .option('--gamma <gamma>', 'discount of episode returns (orders output by episode)')
      .option('--min-reward <value>', 'openai-chat: keep decisions with at least this reward (default: above 0)')
      .option(
        '--min-margin <value>',
        "preference-pairs, openai-dpo: the chosen answer's reward exceeds the other's by more than this (default 0)",
      )
      .option(
        '--include-failed',
        'agent-lightning, openai-chat, preference-pairs, openai-dpo: keep decisions whose decide function failed',
      )
      .option('--no-progress', 'no progress bar even on a terminal'),
  ).action(async (raw: unknown) => {
    const flags = parseOptions(ExportFlagsSchema, raw);
    const left: LeftOut = { failed: 0, invalid: {}, unitless: 0 };
    const filter = parseFilter(flags);
    const options = await extractionOptions(flags);
    if (flags.format === 'parquet' && !flags.out)
      throw new CliError('--out: parquet needs a file (the engine writes it)');
    const started = Date.now();
    const count = flags.endpoint
      ? await exportFromEndpoint(flags, filter, options, left)
      : await exportFromStorage(flags, filter, options, left);
    const where = flags.out ? `to ${flags.out}` : 'to standard output';
    process.stderr.write(
      `tradetrace: wrote ${count ?? 'all'} ${flags.format} records ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    for (const line of leftOutLines(left)) process.stderr.write(`tradetrace: ${line}\n`);
  });
}

function parseFilter(flags: ExportFlags): TripletFilter {
  const parsed = TripletFilterSchema.safeParse({
    since: flags.since,
    until: flags.until,
    service: flags.service,
    strategyVersion: flags.strategyVersion,
    symbol: flags.symbol,
    mode: flags.mode,
    onlyRewarded: flags.onlyRewarded,
  });
  if (!parsed.success) {
    const flag = (path: PropertyKey | undefined) =>
      `--${String(path ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new CliError(
      `invalid options: ${parsed.error.issues.map((i) => `${flag(i.path[0])}: ${i.message}`).join('; ')}`,
    );
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as TripletFilter;
}

async function extractionOptions(flags: ExportFlags): Promise<ExtractionOptions> {
  const options: ExtractionOptions = {};
  if (flags.horizon !== undefined) options.horizonSeconds = flags.horizon;
  if (flags.matchByTime) options.matchByTime = true;
  if (flags.gamma !== undefined) options.gamma = flags.gamma;
  if (flags.rewardRule) {
    try {
      options.primaryRule = parsePrimaryRewardRule(flags.rewardRule);
    } catch (error) {
      throw new CliError(`--reward-rule: ${(error as Error).message}`);
    }
  }
  if (flags.rewardFn)
    options.rewardFunctions = await Promise.all(
      flags.rewardFn.split(',').map((name) => loadRewardFunction(name.trim())),
    );
  return options;
}

/** A preset by name, or the default export of a module (a custom reward function in TypeScript or JavaScript). */
async function loadRewardFunction(name: string): Promise<RewardFunction> {
  const preset = REWARD_PRESETS[name];
  if (preset) return preset;
  if (!/[./]/.test(name))
    throw new CliError(
      `--reward-fn: unknown preset "${name}"; presets: ${Object.keys(REWARD_PRESETS).join(', ')}, or a module path`,
    );
  const module = (await import(pathToFileURL(resolve(name)).href)) as { default?: Partial<RewardFunction> };
  const fn = module.default;
  if (!fn || typeof fn.compute !== 'function' || typeof fn.name !== 'string' || typeof fn.kind !== 'string') {
    throw new CliError(`--reward-fn: ${name} must export default { name, kind, match, compute(triplet) }`);
  }
  return { match: 'decision_id', ...fn } as RewardFunction;
}

async function exportFromStorage(
  flags: ExportFlags,
  filter: TripletFilter,
  options: ExtractionOptions,
  left: LeftOut,
): Promise<number | null> {
  let storage: Storage;
  try {
    storage = await openStorage(storageOptionsFrom(flags));
  } catch (error) {
    if ((error as { code?: string }).code === 'TT_STORAGE_DATA_PATH_LOCKED') {
      throw new CliError(
        `${(error as Error).message}\n  e.g. tradetrace export --endpoint http://127.0.0.1:4318 --format ${flags.format}${flags.out ? ` --out ${flags.out}` : ''}`,
      );
    }
    throw error;
  }
  try {
    // An empty folder has no tables yet: create them so the export says "0" rather than failing.
    await runMigrations(storage);
    if (flags.format === 'parquet') return (await writeTripletsParquet(storage, flags.out!, filter, options)).count;
    const total = showProgress(flags) ? await countDecisions(storage, filter) : 0;
    return await writeFormat(flags, withProgress(readTriplets(storage, filter, options), flags, total), left);
  } finally {
    await storage.close();
  }
}

async function exportFromEndpoint(
  flags: ExportFlags,
  filter: TripletFilter,
  options: ExtractionOptions,
  left: LeftOut,
): Promise<number> {
  if (Object.keys(options).length > 0) {
    throw new CliError(
      '--horizon, --match-by-time, --reward-rule, --reward-fn and --gamma need the data itself (--data or --clickhouse-url); the collector serves triplets with the default rules',
    );
  }
  if (flags.format === 'parquet')
    throw new CliError(
      '--format parquet is written by the engine: use --data (with the collector stopped) or --clickhouse-url',
    );
  const token = flags.token ?? (process.env.TRADETRACE_TOKEN || undefined);
  return writeFormat(flags, withProgress(readTripletsFromEndpoint(flags.endpoint!, filter, token), flags, 0), left);
}

/** What an export left out or could not reward, reported on stderr. */
interface LeftOut extends TrainingExportStats {
  /** Decisions with reward components but no `reward.value` (different units and no primary). */
  unitless: number;
}

function leftOutLines(left: LeftOut): string[] {
  const lines: string[] = [];
  if (left.unitless > 0)
    lines.push(
      `${left.unitless} decision(s) have reward components in different units and no primary one: reward.value is null (docs/triplets.md, Units)`,
    );
  if (left.failed > 0) lines.push(`${left.failed} failed decision(s) left out (--include-failed keeps them)`);
  for (const [reason, n] of Object.entries(left.invalid))
    lines.push(`${n} record(s) skipped, not valid in this format: ${reason}`);
  return lines;
}

async function* countingUnitless(triplets: AsyncIterable<Triplet>, left: LeftOut): AsyncGenerator<Triplet> {
  for await (const t of triplets) {
    if (t.reward.value === null && t.reward.match !== 'none' && new Set(Object.values(t.reward.units)).size > 1)
      left.unitless += 1;
    yield t;
  }
}

function writeFormat(flags: ExportFlags, all: AsyncIterable<Triplet>, left: LeftOut): Promise<number> {
  const target = flags.out ?? process.stdout;
  const triplets = countingUnitless(all, left);
  const training = { stats: left, ...(flags.includeFailed ? { includeFailed: true } : {}) };
  const margin = flags.minMargin === undefined ? {} : { minMargin: flags.minMargin };
  const format: Exclude<ExportFormat, 'parquet'> = flags.format as Exclude<ExportFormat, 'parquet'>;
  switch (format) {
    case 'jsonl':
      return writeTripletsJsonl(triplets, target);
    case 'csv':
      return writeTripletsCsv(triplets, target);
    case 'agent-lightning':
      return writeAgentLightning(triplets, target, training);
    case 'openai-chat':
      return writeOpenAiChat(triplets, target, {
        ...training,
        ...(flags.minReward === undefined ? {} : { minReward: flags.minReward }),
      });
    case 'preference-pairs':
      return writePreferencePairs(triplets, target, { ...training, ...margin });
    case 'openai-dpo':
      return writeOpenAiDpo(triplets, target, { ...training, ...margin });
  }
}

function showProgress(flags: ExportFlags): boolean {
  return flags.progress && process.stderr.isTTY === true;
}

/** A progress bar on stderr when it is a terminal; a counter when the total is unknown (collector stream). */
async function* withProgress(
  triplets: AsyncIterable<Triplet>,
  flags: ExportFlags,
  total: number,
): AsyncGenerator<Triplet> {
  if (!showProgress(flags)) return yield* triplets;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format:
        total > 0
          ? 'exporting [{bar}] {percentage}% | {value}/{total} decisions | {eta_formatted} left'
          : 'exporting {value} triplets',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  try {
    for await (const triplet of triplets) {
      bar.increment();
      yield triplet;
    }
  } finally {
    bar.stop();
  }
}
