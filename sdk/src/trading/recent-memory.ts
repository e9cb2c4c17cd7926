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
}

/** What the SDK remembers of a submitted order, so later fills and updates link to it and to its decision. */
export interface OrderRecord {
  spanContext: SpanContext;
  symbol: string;
  decisionId: string | undefined;
  /** Fills already recorded, so a fill seen twice (order update, then trade stream) is recorded once. */
  seenTradeIds: Set<string>;
}

function hexWord(hex: string, at: number): number {
  let word = 0;
  for (let i = at; i < at + 8; i++) {
    const c = hex.charCodeAt(i);
    word = (word << 4) | (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return word | 0;
}

function wordHex(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0');
}

// One decision's record: RECORD_INTS consecutive int32s, so remembering one touches one or two cache lines.
const KEY = 0;
const CHECK = 1;
const TRACE = 2; // 4 words
const SPAN = 6; // 2 words
const FLAGS = 8;
const SYMBOL = 9;
const STRATEGY_NAME = 10;
const STRATEGY_VERSION = 11;
const RECORD_INTS = 12;

/**
 * The decisions the SDK remembers (the last `capacity`), kept so that the garbage collector never looks at them:
 * ids, trace and span ids live in one typed array of fixed-size records, symbols and strategy names in a small
 * table of distinct strings, and the index from decision id to record is an open-addressing hash table in a typed
 * array (linear probing, at most half full, entries removed with backward shifts when their record is reused). A
 * record is found by two independent hashes of the id (30 + 32 bits): ids whose hashes both collide, about one pair
 * in 10^18, could be confused; nothing else is. Remembering a decision allocates nothing.
 */
export class DecisionMemory {
  private readonly capacity: number;
  private readonly records: Int32Array;
  /** Record index + 1 per bucket, 0 for an empty bucket. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private next = 0;
  private used = 0;
  private hashKey = 0;
  private hashCheck = 0;
  /** The strings of the previous decision: usually the same objects again (one symbol, one strategy). */
  private lastString: (string | undefined)[] = [undefined, undefined, undefined];
  private lastIndex = [-1, -1, -1];

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.records = new Int32Array(this.capacity * RECORD_INTS);
    let buckets = 2;
    while (buckets < this.capacity * 2) buckets *= 2;
    this.table = new Int32Array(buckets);
    this.mask = buckets - 1;
  }

  /** Remembers a decision whose span just started. */
  remember(
    id: string,
    span: Span,
    symbol: string,
    strategyName: string | undefined,
    strategyVersion: string | undefined,
  ): void {
    const spanContext = span.spanContext();
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.used === this.capacity) this.unindex(slot);
    else this.used++;
    this.hash(id);
    const r = this.records;
    const at = slot * RECORD_INTS;
    r[at + KEY] = this.hashKey;
    r[at + CHECK] = this.hashCheck;
    const t = spanContext.traceId;
    r[at + TRACE] = hexWord(t, 0);
    r[at + TRACE + 1] = hexWord(t, 8);
    r[at + TRACE + 2] = hexWord(t, 16);
    r[at + TRACE + 3] = hexWord(t, 24);
    const s = spanContext.spanId;
    r[at + SPAN] = hexWord(s, 0);
    r[at + SPAN + 1] = hexWord(s, 8);
    r[at + FLAGS] = spanContext.traceFlags;
    r[at + SYMBOL] = this.internAt(0, symbol);
    r[at + STRATEGY_NAME] = this.internAt(1, strategyName);
    r[at + STRATEGY_VERSION] = this.internAt(2, strategyVersion);
    // The same id again (a bot reusing its ids): the newest decision answers.
    const existing = this.find(this.hashKey, this.hashCheck);
    if (existing >= 0) this.removeBucket(existing);
    let bucket = this.hashKey & this.mask;
    while (this.table[bucket] !== 0) bucket = (bucket + 1) & this.mask;
    this.table[bucket] = slot + 1;
  }

  get(id: string): DecisionRecord | undefined {
    this.hash(id);
    const bucket = this.find(this.hashKey, this.hashCheck);
    if (bucket < 0) return undefined;
    const r = this.records;
    const at = (this.table[bucket]! - 1) * RECORD_INTS;
    const traceId =
      wordHex(r[at + TRACE]!) + wordHex(r[at + TRACE + 1]!) + wordHex(r[at + TRACE + 2]!) + wordHex(r[at + TRACE + 3]!);
    const spanId = wordHex(r[at + SPAN]!) + wordHex(r[at + SPAN + 1]!);
    return {
      spanContext: { traceId, spanId, traceFlags: r[at + FLAGS]!, isRemote: false },
      symbol: this.strings[r[at + SYMBOL]!] ?? '',
      strategyName: this.strings[r[at + STRATEGY_NAME]!],
      strategyVersion: this.strings[r[at + STRATEGY_VERSION]!],
    };
  }

  /** Two FNV-1a hashes of the id in one pass (different offset bases): `hashKey` (30 bits) places it, `hashCheck` confirms it. */
  private hash(id: string): void {
    let a = 0x811c9dc5;
    let b = 0x2f6b1a3d;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193);
    }
    this.hashKey = a & 0x3fffffff;
    this.hashCheck = b | 0;
  }

  /** The bucket holding the record with these hashes, or -1. */
  private find(key: number, check: number): number {
    const r = this.records;
    for (let bucket = key & this.mask; ; bucket = (bucket + 1) & this.mask) {
      const entry = this.table[bucket]!;
      if (entry === 0) return -1;
      const at = (entry - 1) * RECORD_INTS;
      if (r[at + KEY] === key && r[at + CHECK] === check) return bucket;
    }
  }

  /** Drops the index entry of the record in `slot` (about to be reused), if it still has one. */
  private unindex(slot: number): void {
    const r = this.records;
    for (let bucket = r[slot * RECORD_INTS + KEY]! & this.mask; ; bucket = (bucket + 1) & this.mask) {
      const entry = this.table[bucket]!;
      if (entry === 0) return;
      if (entry === slot + 1) {
        this.removeBucket(bucket);
        return;
      }
    }
  }

  /** Empties a bucket and moves later entries of its probe run back, so every entry stays reachable from its home. */
  private removeBucket(hole: number): void {
    const table = this.table;
    const mask = this.mask;
    for (let bucket = (hole + 1) & mask; table[bucket] !== 0; bucket = (bucket + 1) & mask) {
      const home = this.records[(table[bucket]! - 1) * RECORD_INTS + KEY]! & mask;
      // Movable unless its home lies cyclically in (hole, bucket].
      const homeAfterHole = hole <= bucket ? home > hole && home <= bucket : home > hole || home <= bucket;
      if (!homeAfterHole) {
        table[hole] = table[bucket]!;
        hole = bucket;
      }
    }
    table[hole] = 0;
  }

  private internAt(field: number, value: string | undefined): number {
    if (value === this.lastString[field]) return this.lastIndex[field]!;
    const index = this.intern(value);
    this.lastString[field] = value;
    this.lastIndex[field] = index;
    return index;
  }

  /** Index of a distinct string (symbols, strategy names and versions are few); -1 for none or past the table's bound. */
  private intern(value: string | undefined): number {
    if (value === undefined) return -1;
    let index = this.stringIndex.get(value);
    if (index === undefined) {
      if (this.strings.length >= 65_536) return -1;
      index = this.strings.length;
      this.strings.push(value);
      this.stringIndex.set(value, index);
    }
    return index;
  }
}
