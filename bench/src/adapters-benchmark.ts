import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTripletsParquet } from '@tradetrace/adapters';
import { openStorage, runMigrations, sqlString, type Storage } from '@tradetrace/storage';
import { writeTripletsAtEngineFloor } from './triplet-engine-floor.ts';

/**
 * Triplet extraction, SQL path into Parquet: decisions with two LLM calls each (analysis, then decision)
 * and rewards that arrive an hour later in other traces (reward spans as the SDK writes them), generated inside
 * the engine with SQL so the measurement is the extraction alone. Its baseline, measured after it on the same spans,
 * is the engine's floor for the same file (triplet-engine-floor.ts). Run as a process of its own (bench/src/run.ts
 * starts it), which prints its figures as JSON.
 */
async function runAdaptersBenchmark(options: { quick: boolean }): Promise<Record<string, number>> {
  const decisions = options.quick ? 20_000 : 1_000_000;
  const folder = mkdtempSync(join(tmpdir(), 'tt-bench-adapters-'));
  const storage = await openStorage({ dataPath: join(folder, 'data') });
  try {
    await runMigrations(storage);
    await generateSpans(storage, decisions);
    const file = join(folder, 'triplets.parquet');
    // What the generation freed goes back to the system first, so the extraction's peak starts from the engine's size.
    await storage.client.command({ query: 'SYSTEM JEMALLOC PURGE' });
    const peakRestarted = restartPeakRss();
    const started = performance.now();
    const result = await writeTripletsParquet(storage, file);
    const seconds = (performance.now() - started) / 1000;
    const extractionPeakMb = peakRestarted ? peakRssMb() : null;
    // Read before the floor runs: it holds every payload at once.
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    if (result.count !== decisions) throw new Error(`expected ${decisions} triplets, wrote ${result.count}`);
    const floorFile = join(folder, 'floor.parquet');
    const floorStarted = performance.now();
    await writeTripletsAtEngineFloor(storage, floorFile);
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    // The floor must have written the same triplets, in any order.
    const [extracted, floor] = [await parquetDigest(storage, file), await parquetDigest(storage, floorFile)];
    if (floor.rows !== decisions || floor.digest !== extracted.digest)
      throw new Error(
        `the engine's floor wrote other triplets than the extraction: ${JSON.stringify({ extracted, floor })}`,
      );
    return {
      'adapters.triplets_per_s': Math.round(decisions / seconds),
      'adapters.floor_triplets_per_s': Math.round(decisions / floorSeconds),
      'adapters.ratio_to_floor': Math.round((floorSeconds / seconds) * 100) / 100,
      'adapters.rss_mb': rssMb,
      ...(extractionPeakMb === null ? {} : { 'adapters.extraction_rss_mb': extractionPeakMb }),
      'adapters.parquet_bytes_per_triplet': Math.round(statSync(file).size / decisions),
    };
  } finally {
    await storage.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A Parquet file's rows and a digest of their values that does not depend on their order. */
async function parquetDigest(storage: Storage, file: string): Promise<{ rows: number; digest: string }> {
  const result = await storage.client.query({
    query: `SELECT count() AS rows, toString(sum(cityHash64(toString(tuple(*))))) AS digest FROM file(${sqlString(file)}, 'Parquet')`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ rows: string; digest: string }>();
  return { rows: Number(row?.rows), digest: row?.digest ?? '' };
}

/**
 * The process's peak RSS covers the generation too; Linux can restart it (`clear_refs` 5), so the extraction's own
 * peak is read after it. Elsewhere only the process peak is reported.
 */
function restartPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRssMb(): number | null {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return hwm ? Math.round(Number(hwm[1]) / 1024) : null;
  } catch {
    return null;
  }
}

const NO_EVENTS = `[]::Array(DateTime64(9)), []::Array(LowCardinality(String)), []::Array(Map(LowCardinality(String), String))`;
const NO_LINKS = `[]::Array(String), []::Array(String), []::Array(String), []::Array(Map(LowCardinality(String), String))`;
const COLUMNS = `Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion,
  SpanAttributes, Duration, StatusCode, StatusMessage, \`Events.Timestamp\`, \`Events.Name\`, \`Events.Attributes\`,
  \`Links.TraceId\`, \`Links.SpanId\`, \`Links.TraceState\`, \`Links.Attributes\``;

async function generateSpans(storage: Storage, decisions: number): Promise<void> {
  const table = storage.table('otel_traces');
  const t0 = `toDateTime64('2026-01-01 00:00:00', 9, 'UTC')`;
  const common = (n: string) => `
    leftPad(lower(hex(${n})), 32, '0') AS trace_id, 'bot-' || toString(${n} % 4) AS service,
    map('service.name', service, 'trading.bot.id', service) AS resource,
    'd-' || toString(${n}) AS decision_id, ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'][${n} % 3 + 1] AS symbol,
    ${t0} + toIntervalMillisecond(${n} * 50) AS at`;
  const insert = (select: string) =>
    storage.client.command({
      query: `INSERT INTO ${table} (${COLUMNS}) ${select}`,
      clickhouse_settings: { max_insert_threads: '2' },
    });
  // Decisions.
  await insert(`
    SELECT at, trace_id, leftPad(lower(hex(number * 4 + 1)), 16, '0'), '', '', 'decide', 'Internal', service, resource, 'bench', '0',
      map('trading.operation.name', 'decide', 'trading.decision.id', decision_id, 'trading.symbol', symbol,
          'trading.strategy.name', 'momentum', 'trading.strategy.version', 'v' || toString(number % 2 + 1), 'trading.mode', 'paper',
          'trading.decision.kind', 'llm', 'trading.decision.action', ['buy', 'sell', 'hold'][number % 3 + 1],
          'trading.decision.confidence', toString(round((number % 100) / 100, 2)),
          'trading.context.price', toString(round(100 + 10 * sin(number / 1000), 4)), 'trading.context.rsi_14', toString(number % 100)),
      40000000, 'Ok', '', ${NO_EVENTS}, ${NO_LINKS}
    FROM (SELECT number, ${common('number')} FROM numbers(${decisions}))`);
  // Two LLM calls per decision, children of the decision span.
  await insert(`
    SELECT at + toIntervalMillisecond(call), trace_id, leftPad(lower(hex(number * 4 + 1 + call)), 16, '0'), leftPad(lower(hex(number * 4 + 1)), 16, '0'), '',
      'chat gpt-4o-mini', 'Client', service, resource, 'bench', '0',
      map('gen_ai.operation.name', 'chat', 'gen_ai.provider.name', 'openai', 'gen_ai.request.model', 'gpt-4o-mini',
          'gen_ai.input.messages', '[{"role":"system","content":"You are a trading assistant."},{"role":"user","content":"' || symbol || ' price ' || toString(number % 997) || ', RSI ' || toString(number % 100) || '. Buy, sell or hold?"}]',
          'gen_ai.output.messages', '[{"role":"assistant","content":"' || ['buy', 'sell', 'hold'][number % 3 + 1] || '"}]',
          'gen_ai.usage.input_tokens', toString(40 + number % 20), 'gen_ai.usage.output_tokens', '3'),
      15000000, 'Ok', '', ${NO_EVENTS}, ${NO_LINKS}
    FROM (SELECT number, call, ${common('number')} FROM numbers(${decisions}) ARRAY JOIN [1, 2] AS call)`);
  // Delayed rewards: an hour later, in a trace of their own, naming and linking the decision (the SDK's reward span).
  await insert(`
    SELECT at + toIntervalHour(1), leftPad(lower(hex(number + 0x100000000)), 32, '0'), leftPad(lower(hex(number * 4 + 4)), 16, '0'), '', '',
      'reward', 'Internal', 'settler', map('service.name', 'settler'), 'bench', '0',
      map('trading.operation.name', 'reward', 'trading.decision.id', decision_id, 'trading.reward.value', toString(reward)),
      1000, 'Unset', '',
      [at + toIntervalHour(1)], ['trading.reward'],
      [map('trading.decision.id', decision_id, 'trading.reward.value', toString(reward), 'trading.reward.name', 'primary', 'trading.reward.kind', 'realized')],
      [trace_id], [leftPad(lower(hex(number * 4 + 1)), 16, '0')], [''], [map()]
    FROM (SELECT number, ${common('number')}, round(sin(number) * 5, 4) AS reward FROM numbers(${decisions}))`);
}

console.log(JSON.stringify(await runAdaptersBenchmark({ quick: process.argv.includes('--quick') })));
