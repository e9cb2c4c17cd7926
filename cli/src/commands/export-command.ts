import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import {
  REWARD_PRESETS,
  TripletFilterSchema,
  writeAgentLightning,
  writeOpenAiChat,
  writeOpenAiDpo,
  writePreferencePairs,
  writeTripletsCsv,
  writeTripletsJsonl,
  type TrainingExportStats,
  type Triplet,
  type TripletFilter,
} from '@tradetrace/adapters';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { addStorageFlags, parseOptions, StorageFlagsSchema, withStoreAccess } from '../cli-options.ts';
import type { StoreAccess } from '../store-access/store-access.ts';
import type { ExtractionSpec, TripletRequest } from '../store-access/triplet-request.ts';
import { describeIssues, flagOf } from '../zod-issues.ts';

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
    const request: TripletRequest = { filter: parseFilter(flags), extraction: extractionSpec(flags) };
    if (flags.format === 'parquet' && !flags.out)
      throw new CliError('--out: parquet needs a file (the engine writes it)');
    const started = Date.now();
    const count = await withStoreAccess(flags, (access) => exportTriplets(access, flags, request, left));
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
    throw new CliError(`invalid options: ${describeIssues(parsed.error, (path) => flagOf(path[0]))}`);
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as TripletFilter;
}

function extractionSpec(flags: ExportFlags): ExtractionSpec {
  const spec: ExtractionSpec = {};
  if (flags.horizon !== undefined) spec.horizonSeconds = flags.horizon;
  if (flags.matchByTime) spec.matchByTime = true;
  if (flags.gamma !== undefined) spec.gamma = flags.gamma;
  if (flags.rewardRule) spec.rewardRule = flags.rewardRule;
  if (flags.rewardFn) spec.rewardFn = flags.rewardFn.split(',').map((name) => name.trim());
  return spec;
}

async function exportTriplets(
  access: StoreAccess,
  flags: ExportFlags,
  request: TripletRequest,
  left: LeftOut,
): Promise<number | null> {
  if (flags.format === 'parquet') return access.writeParquet(flags.out!, request);
  const total = showProgress(flags) ? ((await access.countDecisions(request.filter)) ?? 0) : 0;
  return writeFormat(flags, withProgress(await access.triplets(request), flags, total), left);
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

/** A progress bar on stderr when it is a terminal; a counter when the total is unknown (served by a collector). */
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
