import { describe, expect, it } from 'vitest';
import { LOG_ROW_COLUMNS } from '../src/log-row.ts';
import { SPAN_ROW_COLUMNS } from '../src/span-row.ts';
import { logRow, spanRow } from './fixtures/telemetry-rows.ts';

// The compact insert sends values by position: a column missing from the list would silently get its default.
describe('row column lists', () => {
  it('SPAN_ROW_COLUMNS names every field of a SpanRow once', () => {
    expect([...SPAN_ROW_COLUMNS].sort()).toEqual(Object.keys(spanRow({ SpanId: 'a', SpanName: 'x' })).sort());
  });

  it('LOG_ROW_COLUMNS names every field of a LogRow once', () => {
    expect([...LOG_ROW_COLUMNS].sort()).toEqual(Object.keys(logRow({})).sort());
  });
});
