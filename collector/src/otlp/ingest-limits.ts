import { setAttribute } from './any-value-rendering.ts';

/** Per-request bounds on what a client may send; each is configurable (see CollectorConfigSchema). */
export interface IngestLimits {
  /** Spans (or log records) in one request; more is answered with 413. */
  maxItemsPerRequest: number;
  /** Attributes kept per span, event or log record; the rest are dropped, as the OTel SDK's span limits do. */
  maxAttributesPerItem: number;
  /** Longest attribute value kept, in characters; longer values are truncated. */
  maxAttributeValueLength: number;
  /**
   * Longest span, event or service name kept, in characters; longer names are truncated. These are LowCardinality
   * key columns: every distinct name stays in the engine's dictionaries, and merging parts that hold huge ones takes
   * hundreds of MB (issue 8's hostile input: 256 KiB span names pushed the engine's memory to ~400 MB).
   */
  maxNameLength: number;
  /**
   * Objects and arrays in one OTLP/JSON body; more is answered with 413 before the body is parsed. JSON.parse makes
   * every one of them first: 20 MiB of empty objects took 1.5 GB of RSS and 5 s to decode.
   */
  maxJsonContainersPerRequest: number;
}

/**
 * Each row repeats its resource's attributes and its scope: a request with a large resource and many small spans
 * expands far past its body size (a 20 MiB body could ask for terabytes). Past this many repeated bytes it is
 * refused with 413 before any row is made.
 */
export const MAX_REPEATED_ROW_BYTES = 256 * 1024 * 1024;

/** What was refused or cut while rows were made (reported to the client as `partial_success`). */
export interface MappingOutcome {
  rejected: number;
  /** Why the first refused item was refused. */
  rejectionMessage: string;
  /** Attributes dropped, values or names truncated by the limits (reported as a `partial_success` warning). */
  truncated: number;
}

/** Rows to store, and what was refused. */
export interface MappedRows<Row> extends MappingOutcome {
  rows: Row[];
}

/** Enforces the attribute limits in place; returns how many attributes were dropped or truncated. */
export function applyAttributeLimits(attributes: Record<string, string>, limits: IngestLimits): number {
  let changed = 0;
  let kept = 0;
  for (const key of Object.keys(attributes)) {
    kept += 1;
    if (kept > limits.maxAttributesPerItem) {
      delete attributes[key];
      changed += 1;
      continue;
    }
    const value = attributes[key]!;
    if (value.length > limits.maxAttributeValueLength) {
      setAttribute(attributes, key, value.slice(0, limits.maxAttributeValueLength));
      changed += 1;
    }
  }
  return changed;
}

/** A name within `maxNameLength`; `counter.truncated` counts each one cut. */
export function limitName(name: string, limits: IngestLimits, counter: { truncated: number }): string {
  if (name.length <= limits.maxNameLength) return name;
  counter.truncated += 1;
  return name.slice(0, limits.maxNameLength);
}

/** The partial-success message for a mapping: refusals first, then a warning about truncation. */
export function partialSuccessMessage(mapped: MappingOutcome, itemName: string): string {
  const parts: string[] = [];
  if (mapped.rejected > 0) parts.push(`${mapped.rejected} ${itemName} refused: ${mapped.rejectionMessage}`);
  if (mapped.truncated > 0)
    parts.push(`${mapped.truncated} attributes or names dropped or truncated by the collector's limits`);
  return parts.join('; ');
}
