import type { Span, SpanContext } from '@opentelemetry/api';

/** What the SDK remembers of a decision so later signals (rewards, orders, closes) can point back at it. */
export interface DecisionRecord {
  spanContext: SpanContext;
  symbol: string;
  strategyName: string;
  strategyVersion: string;
  /** Set while the decision span is open. */
  openSpan: Span | undefined;
}

/** A bounded, insertion-ordered memory of recent decisions: the oldest is forgotten first. */
export class RecentDecisions {
  private readonly records = new Map<string, DecisionRecord>();
  private readonly capacity: number;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  remember(id: string, record: DecisionRecord): void {
    this.records.delete(id);
    this.records.set(id, record);
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }

  get(id: string): DecisionRecord | undefined {
    return this.records.get(id);
  }
}
