import type { BodyEncoding, TelemetrySignal } from '../spool/spool-record.ts';
import type { AcceptOutcome } from './durable-ingest.ts';
import type { DecodedRows } from './otlp-body-decoding.ts';

/** What the HTTP receiver needs from the durable path (DurableIngest implements it). */
export interface TelemetryIngest {
  /**
   * Resolves once the request is durable; rejects with SpoolFullError or IngestClosedError when it cannot be taken.
   * `body` is lent until the promise settles: the receiver then reuses its buffer for another request.
   */
  accept(signal: TelemetrySignal, encoding: BodyEncoding, body: Buffer, decoded: DecodedRows): Promise<AcceptOutcome>;
  readiness(): Promise<{ ready: boolean; reason: string }>;
}
