/** The goals the issues set, per figure: reported beside the figure, never enforced (a slow machine is not a bug). */
export interface Goal {
  key: string;
  comparison: '<=' | '>=' | '<';
  target: number;
}

export const GOALS: readonly Goal[] = [
  { key: 'sdk.decision_overhead_ratio', comparison: '<=', target: 1.25 },
  { key: 'sdk.disabled_us', comparison: '<=', target: 1 },
  { key: 'collector.spans_per_s', comparison: '>=', target: 100_000 },
  { key: 'collector.p99_ms', comparison: '<', target: 250 },
  // Issue 4: faster per core than the OpenTelemetry Collector, sized at about 15,000 spans/s per core.
  { key: 'collector.own_spans_per_core_s', comparison: '>=', target: 15_000 },
  // Issue 22: the whole process (engine and its merges included) and the collector's own JavaScript, per span.
  { key: 'collector.cpu_us_per_span', comparison: '<=', target: 16 },
  { key: 'collector.own_cpu_us_per_span', comparison: '<=', target: 7 },
  { key: 'collector.rss_mb', comparison: '<', target: 1024 },
  { key: 'adapters.triplets_per_s', comparison: '>=', target: 200_000 },
  { key: 'adapters.rss_mb', comparison: '<', target: 1024 },
  { key: 'adapters.ratio_to_floor', comparison: '>=', target: 0.5 },
];

export function meetsGoal(goal: Goal, value: number): boolean {
  if (goal.comparison === '<=') return value <= goal.target;
  if (goal.comparison === '>=') return value >= goal.target;
  return value < goal.target;
}
