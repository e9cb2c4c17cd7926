import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { z } from 'zod';
import { GOALS, meetsGoal } from './benchmark-goals.ts';
import { runCollectorBenchmark } from './collector-benchmark.ts';
import { runServedExportBenchmark } from './served-export-benchmark.ts';
import { machineInfo } from './machine-info.ts';
import { runOptimizeBenchmark } from './optimize-benchmark.ts';
import { measuredOnce, type Figures } from './repeated-measurement.ts';
import { runScaleBenchmark, type ScaleRow } from './scale-benchmark.ts';
import { runSdkBenchmark } from './sdk-benchmark.ts';

const SUITES = ['sdk', 'collector', 'served', 'adapters', 'scale', 'optimize'] as const;
type Suite = (typeof SUITES)[number];

const FlagsSchema = z.object({
  quick: z.boolean().default(false),
  only: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((s) => s.trim()) : [...SUITES]))
    .pipe(z.array(z.enum(SUITES)).min(1)),
  out: z.string().min(1),
  scaleMax: z.coerce.number().int().min(100_000, 'must be at least 100000'),
});

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');

/** `npm run bench [-- --quick] [--only sdk,collector]`: runs the benchmarks, prints a table, writes latest.json. */
async function main(): Promise<void> {
  const program = new Command('bench')
    .option('--quick', 'every benchmark at small size (CI: checks that they run and produce well-formed figures)')
    .option('--only <suites>', `comma-separated subset of ${SUITES.join(',')}`)
    .option('--out <file>', 'where to write the figures', RESULTS)
    // Up to 10^7 spans, the whole run takes about 10 minutes on a 2-core machine (the budget is 15).
    .option('--scale-max <spans>', 'largest size of the scale table (10^5, 10^6, ... up to this)', '10000000')
    .parse();
  const parsed = FlagsSchema.safeParse(program.opts());
  if (!parsed.success)
    throw new Error(
      `invalid options: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}`,
    );
  const { quick, only, out, scaleMax } = parsed.data;

  const measured: Figures = {};
  let scale: ScaleRow[] = [];
  const runners: Record<Suite, () => Promise<void>> = {
    sdk: async () => void Object.assign(measured, await runSdkBenchmark({ quick })),
    collector: async () => void Object.assign(measured, await runCollectorBenchmark({ quick })),
    served: async () => void Object.assign(measured, await runServedExportBenchmark({ quick })),
    adapters: async () => void Object.assign(measured, measuredOnce(await runAdaptersBenchmarkProcess(quick))),
    scale: async () => void (scale = await runScaleBenchmark({ quick, maxSpans: scaleMax })),
    optimize: async () => void Object.assign(measured, await runOptimizeBenchmark({ quick })),
  };
  for (const suite of only) {
    process.stderr.write(`bench: ${suite}${quick ? ' (quick)' : ''}...\n`);
    await runners[suite]();
  }
  for (const [key, { samples }] of Object.entries(measured)) {
    if (!samples.every(Number.isFinite))
      throw new Error(`benchmark figure ${key} has a sample that is not a finite number: ${samples.join(', ')}`);
  }
  const figures = Object.fromEntries(Object.entries(measured).map(([key, m]) => [key, m.median]));
  // How far repeated runs of each figure fell apart (runs: 1 for figures measured once or derived from others).
  const spread = Object.fromEntries(
    Object.entries(measured).map(([key, m]) => [key, { min: m.min, max: m.max, runs: m.samples.length }]),
  );

  const goals = Object.fromEntries(
    GOALS.filter((g) => g.key in figures).map((g) => [
      g.key,
      { goal: `${g.comparison} ${g.target}`, met: meetsGoal(g, figures[g.key]!) },
    ]),
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ machine: machineInfo(), quick, figures, spread, goals, scale }, null, 2)}\n`);

  const rows = Object.entries(measured).map(([key, m]) => [
    key,
    formatNumber(m.median),
    m.samples.length > 1 ? `${formatNumber(m.min)} – ${formatNumber(m.max)} (${m.samples.length} runs)` : '',
    goals[key]?.goal ?? '',
    goals[key] ? (goals[key].met ? 'yes' : 'NO') : '',
  ]);
  printTable(['figure', 'median', 'spread', 'goal', 'met'], rows);
  if (scale.length > 0) {
    process.stdout.write('\nscale\n');
    printTable(
      [
        'spans',
        'decisions',
        'added spans',
        'ingest s',
        'ingest spans/s',
        'ingest CPU µs/span',
        'export s',
        'triplets/s',
        'bytes/span on disk',
      ],
      scale.map((r) => [
        String(r.spans),
        String(r.decisions),
        String(r.added_spans),
        r.ingest_s.toFixed(2),
        formatNumber(r.added_spans / r.ingest_s),
        r.ingest_cpu_us_per_span?.toFixed(1) ?? '',
        r.export_s.toFixed(2),
        formatNumber(r.decisions / r.export_s),
        r.bytes_per_span.toFixed(1),
      ]),
    );
  }
  process.stdout.write(`\nwrote ${out}\n`);
}

/**
 * The extraction's memory is a figure of its own: it runs in a process of its own, so that what the earlier suites
 * left in this one (the SDK benchmark's heap) is not counted in its peak.
 */
async function runAdaptersBenchmarkProcess(quick: boolean): Promise<Record<string, number>> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'adapters-benchmark.ts');
  // execArgv carries --conditions=tradetrace-source: the child runs the sources, as this process does.
  const child = promisify(execFile)(process.execPath, [...process.execArgv, script, ...(quick ? ['--quick'] : [])], {
    maxBuffer: 1024 * 1024,
  });
  child.child.stderr?.pipe(process.stderr);
  const { stdout } = await child;
  return z.record(z.string(), z.number()).parse(JSON.parse(stdout));
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 1000) / 1000);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
