import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { parseJsonExact, stringifyJsonExact } from '@tradetrace/storage';
import { LlmCallSchema, REWARD_MATCHES, type Triplet } from '../triplet.ts';
import { writeChunks, type ExportTarget } from './line-output.ts';

/** One flat column per scalar field; nested values (LLM calls, context, components) as JSON text. */
export const CSV_COLUMNS = [
  'decision_id',
  'trace_id',
  'span_id',
  'timestamp',
  'service_name',
  'bot_id',
  'strategy_name',
  'strategy_version',
  'strategy_config',
  'symbol',
  'exchange',
  'mode',
  'decision_action',
  'decision_kind',
  'decision_confidence',
  'decision_size',
  'decision_error_type',
  'decision_error_message',
  'decision_llm_calls',
  'context',
  'reward_value',
  'reward_primary',
  'reward_unit',
  'reward_components',
  'reward_units',
  'reward_kind',
  'reward_match',
  'reward_count',
  'outcome_orders',
  'outcome_filled_amount',
  'outcome_realized_pnl',
  'outcome_realized_return',
  'outcome_horizon_s',
  'outcome_price_at_horizon',
  'outcome_market_return',
  'episode_id',
  'episode_step',
  'episode_discounted_return',
] as const;

type CsvRecord = Record<(typeof CSV_COLUMNS)[number], string>;

const text = (v: string | number | null) => (v === null ? '' : String(v));

/**
 * OWASP's rule against CSV injection: a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage
 * return first, and not a number) is written with a `'` in front. Cells that already start with quotes before such a
 * character get one more, so that reading back removes exactly one and every value round-trips.
 */
const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
export function neutralizeCsvCell(cell: string): string {
  return FORMULA_LIKE.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}
function restoreCsvCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_LIKE.test(cell.slice(1)) && !PLAIN_NUMBER.test(cell.slice(1))
    ? cell.slice(1)
    : cell;
}

function toCsvRecord(t: Triplet): string[] {
  return [
    t.decision_id,
    t.trace_id,
    t.span_id,
    t.timestamp,
    t.service_name,
    t.bot_id,
    t.strategy_name,
    t.strategy_version,
    stringifyJsonExact(t.strategy_config),
    t.symbol,
    t.exchange,
    t.mode,
    t.decision.action,
    t.decision.kind,
    text(t.decision.confidence),
    text(t.decision.size),
    t.decision.error?.type ?? '',
    t.decision.error?.message ?? '',
    stringifyJsonExact(t.decision.llm_calls),
    stringifyJsonExact(t.context),
    text(t.reward.value),
    text(t.reward.primary),
    text(t.reward.unit),
    stringifyJsonExact(t.reward.components),
    stringifyJsonExact(t.reward.units),
    text(t.reward.kind),
    t.reward.match,
    text(t.reward.count),
    text(t.outcome.orders),
    text(t.outcome.filled_amount),
    text(t.outcome.realized_pnl),
    text(t.outcome.realized_return),
    text(t.outcome.horizon_s),
    text(t.outcome.price_at_horizon),
    text(t.outcome.market_return),
    text(t.episode.id),
    text(t.episode.step),
    text(t.episode.discounted_return),
  ];
}

/** Writes triplets as CSV with a header row (RFC 4180 quoting), one row at a time; returns how many were written. */
export async function writeTripletsCsv(triplets: AsyncIterable<Triplet>, target: ExportTarget): Promise<number> {
  async function* rows() {
    yield stringify([[...CSV_COLUMNS]]);
    for await (const t of triplets) yield stringify([toCsvRecord(t).map(neutralizeCsvCell)]);
  }
  return (await writeChunks(rows(), target)) - 1;
}

const nullableNumber = z.string().transform((s, ctx) => {
  if (s === '') return null;
  const n = Number(s);
  if (!Number.isFinite(n)) ctx.addIssue({ code: 'custom', message: `"${s}" is not a number` });
  return n;
});
const number = nullableNumber.refine((n) => n !== null, 'must not be empty').transform((n) => n!);
const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return parseJsonExact(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const CsvRecordSchema = z.object({
  strategy_config: json(z.unknown()),
  decision_llm_calls: json(z.array(LlmCallSchema)),
  context: json(z.record(z.string(), z.union([z.string(), z.number(), z.bigint(), z.boolean()]))),
  decision_confidence: nullableNumber,
  decision_size: nullableNumber,
  reward_value: nullableNumber,
  reward_components: json(z.record(z.string(), z.number())),
  reward_units: json(z.record(z.string(), z.string())),
  reward_match: z.enum(REWARD_MATCHES),
  reward_count: number,
  outcome_orders: number,
  outcome_filled_amount: number,
  outcome_realized_pnl: nullableNumber,
  outcome_realized_return: nullableNumber,
  outcome_horizon_s: nullableNumber,
  outcome_price_at_horizon: nullableNumber,
  outcome_market_return: nullableNumber,
  episode_step: nullableNumber,
  episode_discounted_return: nullableNumber,
});

/** Reads a CSV export back into triplets, validating every row; the error names the row and the column. */
export async function* readTripletsCsv(source: string | Readable): AsyncGenerator<Triplet> {
  const input = typeof source === 'string' ? createReadStream(source) : source;
  let row = 1;
  for await (const cells of input.pipe(parse({ columns: true })) as AsyncIterable<CsvRecord>) {
    row += 1;
    const raw = Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, restoreCsvCell(v)])) as CsvRecord;
    const parsed = CsvRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw Object.assign(new Error(`CSV row ${row}, column ${String(issue.path[0])}: ${issue.message}`), {
        code: 'TT_ADAPTERS_BAD_CSV',
      });
    }
    const r = parsed.data;
    yield {
      decision_id: raw.decision_id,
      trace_id: raw.trace_id,
      span_id: raw.span_id,
      timestamp: raw.timestamp,
      service_name: raw.service_name,
      bot_id: raw.bot_id,
      strategy_name: raw.strategy_name,
      strategy_version: raw.strategy_version,
      strategy_config: r.strategy_config,
      symbol: raw.symbol,
      exchange: raw.exchange,
      mode: raw.mode,
      decision: {
        action: raw.decision_action,
        kind: raw.decision_kind,
        confidence: r.decision_confidence,
        size: r.decision_size,
        error:
          raw.decision_error_type === ''
            ? null
            : { type: raw.decision_error_type, message: raw.decision_error_message },
        llm_calls: r.decision_llm_calls,
      },
      context: r.context,
      reward: {
        value: r.reward_value,
        primary: raw.reward_primary === '' ? null : raw.reward_primary,
        unit: r.reward_value === null ? null : raw.reward_unit,
        components: r.reward_components,
        units: r.reward_units,
        kind: raw.reward_kind === '' ? null : raw.reward_kind,
        match: r.reward_match,
        count: r.reward_count,
      },
      outcome: {
        orders: r.outcome_orders,
        filled_amount: r.outcome_filled_amount,
        realized_pnl: r.outcome_realized_pnl,
        realized_return: r.outcome_realized_return,
        horizon_s: r.outcome_horizon_s,
        price_at_horizon: r.outcome_price_at_horizon,
        market_return: r.outcome_market_return,
      },
      episode: {
        id: raw.episode_id === '' ? null : raw.episode_id,
        step: r.episode_step,
        discounted_return: r.episode_discounted_return,
      },
    };
  }
}
