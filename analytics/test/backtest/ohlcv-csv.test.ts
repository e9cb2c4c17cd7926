import { describe, expect, it } from 'vitest';
import { parseOhlcvCsv } from '../../src/backtest/ohlcv-csv.ts';

const HEADER = 'timestamp,open,high,low,close,volume';

describe('parseOhlcvCsv', () => {
  it('reads epoch milliseconds, epoch seconds and ISO timestamps', () => {
    const candles = parseOhlcvCsv(
      `${HEADER}\n1700000000000,10,11,9,10.5,100\n1700000060,10.5,12,10,11,50\n2023-11-14T22:15:00Z,11,11.5,10.5,11.2,0\n`,
    );
    expect(candles.map((c) => c.timestamp)).toEqual([1700000000000, 1700000060000, Date.parse('2023-11-14T22:15:00Z')]);
    expect(candles[0]).toEqual({ timestamp: 1700000000000, open: 10, high: 11, low: 9, close: 10.5, volume: 100 });
  });

  it.each([
    ['a missing column', 'timestamp,open,high,low,close\n1,1,1,1,1', /missing: volume/],
    ['a price that is not a number', `${HEADER}\n1700000000000,abc,11,9,10,1`, /line 2: open must be a number/],
    [
      'a high below the close',
      `${HEADER}\n1700000000000,10,10.2,9,10.5,1`,
      /line 2: high must be ≥ open, close and low/,
    ],
    ['a negative volume', `${HEADER}\n1700000000000,10,11,9,10,-1`, /line 2: volume must be ≥ 0/],
    ['an unreadable timestamp', `${HEADER}\nyesterday,10,11,9,10,1`, /line 2: timestamp "yesterday" is neither/],
    [
      'candles out of order',
      `${HEADER}\n1700000060000,10,11,9,10,1\n1700000000000,10,11,9,10,1`,
      /line 3: timestamp must be later/,
    ],
    ['no rows', `${HEADER}\n`, /at least one row/],
  ])('rejects %s with a message naming the problem', (_name, csv, message) => {
    expect(() => parseOhlcvCsv(csv)).toThrow(message);
    expect(() => parseOhlcvCsv(csv)).toThrow(expect.objectContaining({ code: 'TT_ANALYTICS_BAD_CSV' }));
  });
});
