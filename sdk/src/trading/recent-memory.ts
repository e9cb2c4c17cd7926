import type { Span, SpanContext } from '@opentelemetry/api';

/**
 * A bounded map: past capacity the oldest entry is forgotten first. Insertion order lives in a ring of keys (a Map
 * used as a queue slows down as deleted entries pile up at its head).
 */
export class BoundedMemory<V> {
  private readonly entries = new Map<string, V>();
  private readonly ring: (string | undefined)[];
  private next = 0;
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.ring = new Array<string | undefined>(this.capacity);
  }

  remember(key: string, value: V): void {
    if (this.entries.has(key)) {
      this.entries.set(key, value);
      return;
    }
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.entries.delete(evicted);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.capacity;
    this.entries.set(key, value);
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
