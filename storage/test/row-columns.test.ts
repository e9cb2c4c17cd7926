import { describe, expect, it } from 'vitest';
import { LOG_ROW_LAYOUT } from '../src/log-row.ts';
import { SPAN_ROW_LAYOUT } from '../src/span-row.ts';
import { logRow, spanRow } from './fixtures/telemetry-rows.ts';

// Inserts send values by position: a column missing from the layout would silently get its default.
describe('row layouts', () => {
  it('SPAN_ROW_LAYOUT names every field of a SpanRow once', () => {
    expect(SPAN_ROW_LAYOUT.map((c) => c.name).sort()).toEqual(
      Object.keys(spanRow({ SpanId: 'a', SpanName: 'x' })).sort(),
    );
  });

  it('LOG_ROW_LAYOUT names every field of a LogRow once', () => {
    expect(LOG_ROW_LAYOUT.map((c) => c.name).sort()).toEqual(Object.keys(logRow({})).sort());
  });
});
