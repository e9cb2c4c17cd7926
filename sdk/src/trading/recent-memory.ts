import type { Span, SpanContext } from '@opentelemetry/api';

/** A bounded, insertion-ordered map: past capacity the oldest entry is forgotten first. */
export class BoundedMemory<V> {
  private readonly entries = new Map<string, V>();

  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  remember(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What the SDK remembers of a decision so later signals (rewards, orders, closes) can point back at it. */
export interface DecisionRecord {
  spanContext: SpanContext;
  symbol: string;
  strategyName: string | undefined;
  strategyVersion: string | undefined;
  /** Set while the decision span is open. */
  openSpan: Span | undefined;
}

/** What the SDK remembers of a submitted order, so later fills and updates link to it and to its decision. */
export interface OrderRecord {
  spanContext: SpanContext;
  symbol: string;
  decisionId: string | undefined;
  /** Fills already recorded, so a fill seen twice (order update, then trade stream) is recorded once. */
  seenTradeIds: Set<string>;
}
