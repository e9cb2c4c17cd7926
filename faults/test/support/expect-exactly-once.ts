import { expect } from 'vitest';
import type { SpanAudit } from '../../src/span-audit.ts';

/** Every span a client saw acknowledged is stored exactly once, and nothing unknown was stored. */
export function expectExactlyOnce(audit: SpanAudit): void {
  expect(audit.acknowledged).toBeGreaterThan(0);
  expect(audit.acknowledgedMissing).toBe(0);
  expect(audit.acknowledgedStoredOnce).toBe(audit.acknowledged);
  expect(audit.duplicates).toBe(0);
  expect(audit.unknown).toBe(0);
}
