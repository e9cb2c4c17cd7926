import { describe, expect, it } from 'vitest';
// The conventions module alone: importing the SDK's entry point would start OpenTelemetry for a list of names.
import { semconv } from '@tradetrace/sdk';
import {
  DEFAULT_REWARD_NAME,
  EVENT_ORDER_FILL,
  EVENT_REWARD,
  KEY,
  ORDER_OPERATIONS,
} from '../src/migrations/trading-attribute-keys.ts';

// The views read attribute keys by name; a key the SDK does not emit would leave a column empty forever.
const sdkNames = new Set(
  Object.values(semconv).flatMap((value) => (typeof value === 'string' ? [value] : Array.isArray(value) ? value : [])),
);

describe('trading attribute keys', () => {
  it('reads only keys the SDK emits', () => {
    expect(Object.values(KEY).filter((key) => !sdkNames.has(key))).toEqual([]);
  });

  it('selects on the SDK event and operation names', () => {
    expect(
      [EVENT_ORDER_FILL, EVENT_REWARD, DEFAULT_REWARD_NAME, ...ORDER_OPERATIONS].filter((name) => !sdkNames.has(name)),
    ).toEqual([]);
  });
});
