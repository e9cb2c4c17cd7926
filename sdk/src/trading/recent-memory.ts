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

/** FNV-1a over the UTF-16 code units of `text`, from `seed`. */
function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

function hexWord(hex: string, at: number): number {
  let word = 0;
  for (let i = at; i < at + 8; i++) {
    const c = hex.charCodeAt(i);
    word = (word << 4) | (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return word >>> 0;
}

function wordHex(word: number): string {
  return word.toString(16).padStart(8, '0');
}

/**
 * The decisions the SDK remembers (at least the last `capacity`), kept so that the garbage collector never looks at
 * them: ids, trace and span ids live in typed arrays, symbols and strategy names in a small table of distinct
 * strings, and the index from decision id to slot is a Map of small integers (a 30-bit hash of the id; a second
 * 32-bit hash confirms the match, so a collision at worst forgets a decision, never links the wrong one). Holding
 * tens of thousands of decisions this way costs the bot's event loop nothing per garbage collection.
 */
export class DecisionMemory {
  private readonly capacity: number;
  private readonly traceWords: Uint32Array;
  private readonly spanWords: Uint32Array;
  private readonly flags: Uint8Array;
  private readonly keyHash: Int32Array;
  private readonly checkHash: Int32Array;
  private readonly symbolIndex: Int32Array;
  private readonly strategyNameIndex: Int32Array;
  private readonly strategyVersionIndex: Int32Array;
  private readonly slotByHash = new Map<number, number>();
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private next = 0;
  /** The strings of the previous decision: usually the same objects again (one symbol, one strategy). */
  private lastString: (string | undefined)[] = [undefined, undefined, undefined];
  private lastIndex = [-1, -1, -1];

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.traceWords = new Uint32Array(this.capacity * 4);
    this.spanWords = new Uint32Array(this.capacity * 2);
    this.flags = new Uint8Array(this.capacity);
    this.keyHash = new Int32Array(this.capacity).fill(-1);
    this.checkHash = new Int32Array(this.capacity);
    this.symbolIndex = new Int32Array(this.capacity);
    this.strategyNameIndex = new Int32Array(this.capacity);
    this.strategyVersionIndex = new Int32Array(this.capacity);
  }

  /** Remembers a decision whose span just started. */
  remember(id: string, span: Span, symbol: string, strategyName: string | undefined, strategyVersion: string | undefined): void {
    const spanContext = span.spanContext();
    const key = fnv1a(id, 0x811c9dc5) & 0x3fffffff;
    const slot = this.next;
    this.next = (slot + 1) % this.capacity;
    const evicted = this.keyHash[slot]!;
    if (evicted !== -1 && this.slotByHash.get(evicted) === slot) this.slotByHash.delete(evicted);
    this.keyHash[slot] = key;
    this.checkHash[slot] = fnv1a(id, 0x2f6b1a3d);
    const t = spanContext.traceId;
    for (let w = 0; w < 4; w++) this.traceWords[slot * 4 + w] = hexWord(t, w * 8);
    const s = spanContext.spanId;
    this.spanWords[slot * 2] = hexWord(s, 0);
    this.spanWords[slot * 2 + 1] = hexWord(s, 8);
    this.flags[slot] = spanContext.traceFlags;
    this.symbolIndex[slot] = this.internAt(0, symbol);
    this.strategyNameIndex[slot] = this.internAt(1, strategyName);
    this.strategyVersionIndex[slot] = this.internAt(2, strategyVersion);
    this.slotByHash.set(key, slot);
  }

  get(id: string): DecisionRecord | undefined {
    const slot = this.slotByHash.get(fnv1a(id, 0x811c9dc5) & 0x3fffffff);
    if (slot === undefined || this.checkHash[slot] !== fnv1a(id, 0x2f6b1a3d)) return undefined;
    const tw = this.traceWords;
    const traceId = wordHex(tw[slot * 4]!) + wordHex(tw[slot * 4 + 1]!) + wordHex(tw[slot * 4 + 2]!) + wordHex(tw[slot * 4 + 3]!);
    const spanId = wordHex(this.spanWords[slot * 2]!) + wordHex(this.spanWords[slot * 2 + 1]!);
    return {
      spanContext: { traceId, spanId, traceFlags: this.flags[slot]!, isRemote: false },
      symbol: this.strings[this.symbolIndex[slot]!] ?? '',
      strategyName: this.strings[this.strategyNameIndex[slot]!],
      strategyVersion: this.strings[this.strategyVersionIndex[slot]!],
    };
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
