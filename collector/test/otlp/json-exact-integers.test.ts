import { describe, expect, it } from 'vitest';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '@tradetrace/collector';

/** 2^53 + 1, and times a few nanoseconds apart that a JavaScript number cannot tell apart. */
const BIG = '9007199254740993';
const START = '1767225600000000123';
const END = '1767225600000000987';
const EVENT = '1767225600000000555';

describe('decodeTraceRequestJson / decodeLogsRequestJson', () => {
  it('reads 64-bit integers sent as JSON numbers exactly: times, intValue (nested too)', () => {
    const body = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"exact"}}]},
      "scopeSpans":[{"spans":[{"traceId":"${'ab'.repeat(16)}","spanId":"${'cd'.repeat(8)}","name":"decide",
        "startTimeUnixNano":${START},"endTimeUnixNano":${END},
        "attributes":[{"key":"n","value":{"intValue":${BIG}}},{"key":"neg","value":{"intValue" :\n -${BIG}}},
          {"key":"list","value":{"arrayValue":{"values":[{"intValue":${BIG}}]}}},
          {"key":"d","value":{"doubleValue":${BIG}}}],
        "events":[{"timeUnixNano":${EVENT},"name":"e","attributes":[{"key":"m","value":{"intValue":18446744073709551615}}]}]}]}]}]}`;
    const [resource] = decodeTraceRequestJson(body);
    const span = resource!.scopeSpans[0]!.spans[0]!;
    expect(span.startTimeUnixNano).toBe(BigInt(START));
    expect(span.endTimeUnixNano).toBe(BigInt(END));
    expect(span.events[0]!.timeUnixNano).toBe(BigInt(EVENT));
    // Inside arrays and maps a 64-bit integer is rendered as a string, as for protobuf requests: exact either way.
    expect(span.attributes).toEqual({ n: BIG, neg: `-${BIG}`, list: `["${BIG}"]`, d: '9007199254740992' });
    expect(span.events[0]!.attributes).toEqual({ m: '18446744073709551615' });
  });

  it('reads log record times and attributes sent as numbers exactly', () => {
    const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":${START},"observedTimeUnixNano":${END},
      "body":{"intValue":${BIG}},"attributes":[{"key":"n","value":{"intValue":${BIG}}}]}]}]}]}`;
    const record = decodeLogsRequestJson(body)[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.timeUnixNano).toBe(BigInt(START));
    expect(record.observedTimeUnixNano).toBe(BigInt(END));
    expect(record.body).toBe(BIG);
    expect(record.attributes).toEqual({ n: BIG });
  });

  it('still refuses an integer beyond 64 bits', () => {
    expect(() =>
      decodeLogsRequestJson(
        `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":184467440737095516150}]}]}]}`,
      ),
    ).toThrow(/timeUnixNano must be a 64-bit integer/);
  });
});
