import { z } from 'zod';

/** Which data `computeVersionStats` reads; every field narrows, none is required. */
export const StatsFilterSchema = z.object({
  /** Spans at or after this instant (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Spans before this instant (ISO 8601). */
  until: z.iso.datetime({ offset: true }).optional(),
  mode: z.enum(['live', 'paper', 'backtest']).optional(),
  strategyName: z.string().min(1).optional(),
  /** Only these versions (ids). Query strings may give them comma-separated. */
  versions: z.preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(z.string().min(1))).optional(),
  /** Annualizes `sharpe` and `sortino` by √periodsPerYear; PSR, DSR and min_trl stay per trade. */
  periodsPerYear: z.coerce.number<number | string>().positive().optional(),
});

export type StatsFilter = z.input<typeof StatsFilterSchema>;
export type ResolvedStatsFilter = z.output<typeof StatsFilterSchema>;
