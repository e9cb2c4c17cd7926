import type { Span, SpanContext } from '@opentelemetry/api';

/**
 * A bounded map that remembers at least the last `capacity` entries (at most twice as many): two generations of
 * `capacity` entries each; when the young one is full it becomes the old one and the old one is dropped whole. No
 * per-entry deletes, so no slow-down from a Map used as a queue, and nothing to do per entry on eviction.
 */
export class BoundedMemory<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
  }

  remember(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map<string, V>();
    }
  }

  get(key: string): V | undefined {
    const young = this.young.get(key);
    return young !== undefined ? young : this.old.get(key);
  }

  get size(): number {
    return this.young.size + this.old.size;
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
