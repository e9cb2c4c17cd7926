import type { z } from 'zod';

/** Error codes of the analytics package; callers branch on `code`, never on the message. */
export type AnalyticsErrorCode =
  | 'TT_ANALYTICS_BAD_INPUT'
  | 'TT_ANALYTICS_VERSION_NOT_FOUND'
  | 'TT_ANALYTICS_NO_ACTIVE_VERSION'
  | 'TT_ANALYTICS_NOTHING_TO_ROLL_BACK'
  | 'TT_ANALYTICS_PROMOTION_WITHOUT_EVIDENCE'
  | 'TT_ANALYTICS_BAD_CSV'
  | 'TT_ANALYTICS_BACKTEST_FAILED'
  | 'TT_ANALYTICS_BAD_SEARCH_SPACE';

export class AnalyticsError extends Error {
  readonly code: AnalyticsErrorCode;

  constructor(code: AnalyticsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AnalyticsError';
    this.code = code;
  }
}

/** Parses with a zod schema; a failure becomes TT_ANALYTICS_BAD_INPUT naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || what}: ${issue.message}`);
  throw new AnalyticsError('TT_ANALYTICS_BAD_INPUT', `invalid ${what}: ${problems.join('; ')}`);
}
