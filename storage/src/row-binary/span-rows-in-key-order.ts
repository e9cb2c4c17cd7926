import type { SpanRowKeys } from './span-row-keys.ts';

/** One request's span rows in RowBinary, with where each begins and its sorting key. */
export interface KeyedSpanRows {
  rowBinary: Buffer;
  keys: SpanRowKeys;
}

/** Output buffers up to this size are kept for the next batch; a larger batch gets one of its own. */
const KEPT_BUFFER_BYTES = 128 * 2 ** 20;

/**
 * Puts the rows of several requests into one INSERT's RowBinary in `otel_traces`' key order: ServiceName, then
 * SpanName (as ClickHouse compares strings: byte by byte, a prefix first), then `toDateTime(Timestamp)`; rows with
 * equal keys keep their order in the parts. The MergeTree writer checks whether a block is already in key order and
 * then neither sorts it nor permutes its columns (nor, where their keys follow, the views'); the same parts always
 * give the same bytes, so an INSERT repeated under its deduplication token stays the same INSERT.
 */
export class SpanKeyOrdering {
  /** Kept from batch to batch: a fresh buffer of a batch's size costs more in page faults than the copy into it. */
  private buffer = Buffer.alloc(0);

  /**
   * The parts' rows in key order: the parts themselves when already in order, else one buffer (a piece per row would
   * make writing them out slow), valid until the next call.
   */
  arrange(parts: readonly KeyedSpanRows[]): Buffer[] {
    const rows = indexRows(parts);
    const order = orderByKey(rows);
    if (isIdentity(order)) return parts.map((part) => part.rowBinary);
    const bytes = parts.reduce((n, part) => n + part.rowBinary.length, 0);
    return [copyInOrder(parts, rows, order, this.output(bytes))];
  }

  private output(bytes: number): Buffer {
    if (bytes <= this.buffer.length) return this.buffer;
    if (bytes > KEPT_BUFFER_BYTES) return Buffer.allocUnsafe(bytes);
    this.buffer = Buffer.allocUnsafe(Math.min(KEPT_BUFFER_BYTES, Math.ceil(bytes * 1.25)));
    return this.buffer;
  }
}

/** Every row of the batch, numbered across its parts: its part, its name pair's rank and its seconds. */
interface BatchRows {
  count: number;
  partOfRow: Uint32Array;
  /** Each part's first row number. */
  firstRowOfPart: Uint32Array;
  rankOfRow: Uint32Array;
  seconds: Uint32Array;
  ranks: number;
}

function indexRows(parts: readonly KeyedSpanRows[]): BatchRows {
  const rankOf = rankNames(parts);
  const count = parts.reduce((n, part) => n + part.keys.nameOfRow.length, 0);
  const partOfRow = new Uint32Array(count);
  const firstRowOfPart = new Uint32Array(parts.length);
  const rankOfRow = new Uint32Array(count);
  const seconds = new Uint32Array(count);
  let row = 0;
  for (let p = 0; p < parts.length; p += 1) {
    const { names, nameOfRow, seconds: partSeconds } = parts[p]!.keys;
    const rankOfName = new Uint32Array(names.length);
    for (let n = 0; n < names.length; n += 1) rankOfName[n] = rankOf.get(names[n]!)!;
    firstRowOfPart[p] = row;
    partOfRow.fill(p, row, row + nameOfRow.length);
    seconds.set(partSeconds, row);
    for (let r = 0; r < nameOfRow.length; r += 1) rankOfRow[row + r] = rankOfName[nameOfRow[r]!]!;
    row += nameOfRow.length;
  }
  return { count, partOfRow, firstRowOfPart, rankOfRow, seconds, ranks: rankOf.size };
}

/** The batch's distinct (ServiceName, SpanName) pairs → their rank in key order. */
function rankNames(parts: readonly KeyedSpanRows[]): Map<string, number> {
  const distinct = new Set<string>();
  for (const part of parts) for (const name of part.keys.names) distinct.add(name);
  const ranked = [...distinct].map(splitPair).sort(comparePairs);
  return new Map(ranked.map((pair, rank) => [pair.key, rank]));
}

interface NamePair {
  key: string;
  service: string;
  spanName: string;
}

/** A pair key (two RowBinary strings as latin1 text) split into its two strings' bytes, still one character per byte. */
function splitPair(key: string): NamePair {
  let length = 0;
  let shift = 0;
  let at = 0;
  for (;;) {
    const byte = key.charCodeAt(at++);
    length += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) break;
  }
  const service = key.slice(at, at + length);
  at += length;
  while (key.charCodeAt(at) >= 0x80) at += 1;
  return { key, service, spanName: key.slice(at + 1) };
}

/** Latin1 text compares code unit by code unit, that is byte by byte, a prefix first: as ClickHouse compares Strings. */
function comparePairs(a: NamePair, b: NamePair): number {
  if (a.service !== b.service) return a.service < b.service ? -1 : 1;
  if (a.spanName !== b.spanName) return a.spanName < b.spanName ? -1 : 1;
  return 0;
}

/**
 * Row numbers in key order: a counting sort by pair rank (stable), then each rank's rows by seconds, ties by row
 * number. A pair's rows are most often in time order already, and then left as they are.
 */
function orderByKey(rows: BatchRows): Uint32Array {
  const { count, rankOfRow, ranks } = rows;
  const rankStart = new Uint32Array(ranks + 1);
  for (let r = 0; r < count; r += 1) rankStart[rankOfRow[r]! + 1]! += 1;
  for (let k = 0; k < ranks; k += 1) rankStart[k + 1]! += rankStart[k]!;
  const next = rankStart.slice(0, ranks);
  const order = new Uint32Array(count);
  for (let r = 0; r < count; r += 1) order[next[rankOfRow[r]!]!++] = r;
  for (let k = 0; k < ranks; k += 1) sortBySeconds(order.subarray(rankStart[k]!, rankStart[k + 1]!), rows.seconds);
  return order;
}

/** Row numbers need this many bits at most beside 32 of seconds to pack both into a double exactly. */
const ROW_BITS = 21;

function sortBySeconds(group: Uint32Array, seconds: Uint32Array): void {
  let sorted = true;
  for (let i = 1; i < group.length && sorted; i += 1) sorted = seconds[group[i - 1]!]! <= seconds[group[i]!]!;
  if (sorted) return;
  if (seconds.length > 2 ** ROW_BITS) {
    group.sort((a, b) => seconds[a]! - seconds[b]! || a - b);
    return;
  }
  // One number per row, seconds above the row number: a native numeric sort, no comparator calls.
  const packed = new Float64Array(group.length);
  for (let i = 0; i < group.length; i += 1) packed[i] = seconds[group[i]!]! * 2 ** ROW_BITS + group[i]!;
  packed.sort();
  for (let i = 0; i < group.length; i += 1) group[i] = packed[i]! % 2 ** ROW_BITS;
}

function isIdentity(order: Uint32Array): boolean {
  for (let i = 0; i < order.length; i += 1) if (order[i] !== i) return false;
  return true;
}

/** The rows copied in `order` to the start of `out`, runs of rows that stay neighbours in one copy each. */
function copyInOrder(parts: readonly KeyedSpanRows[], rows: BatchRows, order: Uint32Array, out: Buffer): Buffer {
  let at = 0;
  for (let i = 0; i < order.length; ) {
    const first = order[i]!;
    const part = rows.partOfRow[first]!;
    let last = first;
    i += 1;
    while (i < order.length && order[i] === last + 1 && rows.partOfRow[last + 1] === part) last = order[i++]!;
    const { rowBinary, keys } = parts[part]!;
    const base = rows.firstRowOfPart[part]!;
    at += rowBinary.copy(out, at, keys.rowStarts[first - base]!, keys.rowStarts[last - base + 1]!);
  }
  return out.subarray(0, at);
}
