import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { AnalyticsError } from '../analytics-error.ts';
import type { Candle } from './candle.ts';

export const OHLCV_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Epoch seconds, epoch milliseconds (from 10^11 up) or an ISO 8601 date-time. */
const TimestampSchema = z
  .string()
  .trim()
  .min(1, 'is empty')
  .transform((text, ctx) => {
    if (/^\d+(\.\d+)?$/.test(text)) {
      const n = Number(text);
      return n >= 1e11 ? n : n * 1000;
    }
    const parsed = Date.parse(text);
    if (Number.isNaN(parsed)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is neither epoch seconds/milliseconds nor an ISO 8601 date-time`,
      });
      return z.NEVER;
    }
    return parsed;
  });

const PriceSchema = z
  .string()
  .trim()
  .pipe(z.coerce.number<string>({ error: 'must be a number' }).positive('must be > 0'));

export const CandleRowSchema = z
  .object({
    timestamp: TimestampSchema,
    open: PriceSchema,
    high: PriceSchema,
    low: PriceSchema,
    close: PriceSchema,
    volume: z
      .string()
      .trim()
      .pipe(z.coerce.number<string>({ error: 'must be a number' }).nonnegative('must be ≥ 0')),
  })
  .check((ctx) => {
    const { open, high, low, close } = ctx.value;
    if (high < Math.max(open, close, low))
      ctx.issues.push({ code: 'custom', path: ['high'], message: 'must be ≥ open, close and low', input: high });
    if (low > Math.min(open, close))
      ctx.issues.push({ code: 'custom', path: ['low'], message: 'must be ≤ open and close', input: low });
  });

/** Parses an OHLCV CSV (`timestamp,open,high,low,close,volume`, header first, extra columns ignored); candles ascending. */
export function parseOhlcvCsv(text: string, source = 'CSV'): Candle[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    throw new AnalyticsError('TT_ANALYTICS_BAD_CSV', `${source}: not readable as CSV: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const header = records.length > 0 ? Object.keys(records[0]!) : [];
  const missing = OHLCV_COLUMNS.filter((column) => !header.includes(column));
  if (records.length === 0 || missing.length > 0) {
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_CSV',
      `${source}: expected a header with ${OHLCV_COLUMNS.join(',')} and at least one row${missing.length > 0 ? `; missing: ${missing.join(', ')}` : ''}`,
    );
  }
  const candles: Candle[] = [];
  records.forEach((record, index) => {
    const line = index + 2;
    const row = CandleRowSchema.safeParse(record);
    if (!row.success) {
      throw new AnalyticsError(
        'TT_ANALYTICS_BAD_CSV',
        `${source} line ${line}: ${row.error.issues.map((i) => `${i.path.join('.') || 'row'} ${i.message}`).join('; ')}`,
      );
    }
    const previous = candles.at(-1);
    if (previous && row.data.timestamp <= previous.timestamp) {
      throw new AnalyticsError(
        'TT_ANALYTICS_BAD_CSV',
        `${source} line ${line}: timestamp must be later than the row before (candles in ascending time order, no duplicates)`,
      );
    }
    candles.push(row.data);
  });
  return candles;
}
