import type { SpanRow } from '@tradetrace/storage';

/** A span in its trace tree. A virtual node stands in for a parent that has not arrived (or never will). */
export interface SpanNode {
  readonly traceId: string;
  readonly spanId: string;
  /** Null while virtual. */
  row: SpanRow | null;
  parent: SpanNode | null;
  readonly children: SpanNode[];
  /** For a virtual node: the earliest start and latest end of its children, so it spans them. */
  startNs: bigint;
  endNs: bigint;
}

/**
 * Trace trees built from rows in any order. Structure comes from ids only, never from timestamps, so clock
 * skew between processes cannot reparent a span. A span whose parent is missing hangs under a virtual parent
 * (a root of its trace) until the parent arrives late and takes the virtual node's place; a trace may have
 * several roots. A duplicate of a span already present (an exporter retry) is ignored.
 */
export interface SpanForest {
  add(row: SpanRow): void;
  /** The real (not virtual) span, if present. */
  span(traceId: string, spanId: string): SpanNode | undefined;
  roots(traceId: string): SpanNode[];
  traceIds(): IterableIterator<string>;
  /** Every real span, in arrival order. */
  spans(): readonly SpanNode[];
}

export function createSpanForest(rows: Iterable<SpanRow> = []): SpanForest {
  const traces = new Map<string, Map<string, SpanNode>>();
  const real: SpanNode[] = [];

  const nodeFor = (traceId: string, spanId: string): SpanNode => {
    let trace = traces.get(traceId);
    if (!trace) traces.set(traceId, (trace = new Map()));
    let node = trace.get(spanId);
    if (!node)
      trace.set(spanId, (node = { traceId, spanId, row: null, parent: null, children: [], startNs: 0n, endNs: 0n }));
    return node;
  };

  const stretch = (node: SpanNode | null, startNs: bigint, endNs: bigint) => {
    for (let v = node; v && v.row === null; v = v.parent) {
      if (v.children.length === 1 && v.startNs === 0n && v.endNs === 0n) [v.startNs, v.endNs] = [startNs, endNs];
      else [v.startNs, v.endNs] = [startNs < v.startNs ? startNs : v.startNs, endNs > v.endNs ? endNs : v.endNs];
    }
  };

  const forest: SpanForest = {
    add(row) {
      const node = nodeFor(row.TraceId, row.SpanId);
      if (node.row !== null) return;
      node.row = row;
      node.startNs = BigInt(row.Timestamp);
      node.endNs = node.startNs + BigInt(row.Duration);
      real.push(node);
      if (row.ParentSpanId !== '' && row.ParentSpanId !== row.SpanId) {
        const parent = nodeFor(row.TraceId, row.ParentSpanId);
        node.parent = parent;
        parent.children.push(node);
        stretch(parent, node.startNs, node.endNs);
      }
    },
    span(traceId, spanId) {
      const node = traces.get(traceId)?.get(spanId);
      return node?.row ? node : undefined;
    },
    roots(traceId) {
      return [...(traces.get(traceId)?.values() ?? [])].filter((n) => n.parent === null || n.row === null);
    },
    traceIds: () => traces.keys(),
    spans: () => real,
  };
  for (const row of rows) forest.add(row);
  return forest;
}
