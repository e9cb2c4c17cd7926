import { openStorage } from '@tradetrace/storage';
import { parseClientSpanId } from './client-span-ids.ts';
import type { ExporterClientReport } from './exporter-client.ts';

/** What ClickHouse holds compared with what the clients sent and saw acknowledged. */
export interface SpanAudit {
  sent: number;
  acknowledged: number;
  /** Rows in otel_traces. */
  storedRows: number;
  /** Distinct span ids stored. */
  storedSpans: number;
  /** Acknowledged spans stored exactly once. */
  acknowledgedStoredOnce: number;
  /** Acknowledged spans not stored at all. */
  acknowledgedMissing: number;
  /** Rows beyond the first for any span id. */
  duplicates: number;
  /** Stored spans that were never sent by a client (ids not made by this run's clients). */
  unknown: number;
  /** Sent but unacknowledged spans that were stored anyway (allowed: the collector may keep what the client gave up on). */
  unacknowledgedStored: number;
}

/**
 * Reads otel_traces of a stopped collector's data folder (chDB allows one folder per process: the collector must
 * have exited) and audits every client span id; `serviceName` limits it to one service's rows.
 */
export async function auditStoredSpans(
  dataPath: string,
  reports: readonly ExporterClientReport[],
  serviceName?: string,
): Promise<SpanAudit> {
  const storage = await openStorage({ dataPath, database: 'otel' });
  let text: string;
  try {
    const where = serviceName === undefined ? '' : ' WHERE ServiceName = {service:String}';
    const result = await storage.client.query({
      query: `SELECT SpanId, count() FROM ${storage.table('otel_traces')}${where} GROUP BY SpanId`,
      query_params: serviceName === undefined ? {} : { service: serviceName },
      format: 'TabSeparated',
    });
    text = await result.text();
  } finally {
    await storage.close();
  }
  const byClient = new Map(reports.map((r) => [r.client, { report: r, copies: new Uint8Array(r.sent) }]));
  const audit: SpanAudit = {
    sent: 0,
    acknowledged: 0,
    storedRows: 0,
    storedSpans: 0,
    acknowledgedStoredOnce: 0,
    acknowledgedMissing: 0,
    duplicates: 0,
    unknown: 0,
    unacknowledgedStored: 0,
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [spanId = '', countText = '0'] = line.split('\t');
    const copies = Number(countText);
    audit.storedRows += copies;
    audit.storedSpans += 1;
    audit.duplicates += copies - 1;
    const ref = parseClientSpanId(spanId);
    const client = ref && byClient.get(ref.client);
    if (!ref || !client || ref.seq >= client.report.sent) audit.unknown += 1;
    else client.copies[ref.seq] = Math.min(copies, 255);
  }
  for (const { report, copies } of byClient.values()) {
    audit.sent += report.sent;
    const acknowledged = new Uint8Array(report.sent);
    for (const [from, to] of report.acknowledgedRanges) acknowledged.fill(1, from, to);
    for (let seq = 0; seq < report.sent; seq += 1) {
      if (acknowledged[seq] === 1) {
        audit.acknowledged += 1;
        if (copies[seq] === 1) audit.acknowledgedStoredOnce += 1;
        else if (copies[seq] === 0) audit.acknowledgedMissing += 1;
      } else if (copies[seq]! > 0) audit.unacknowledgedStored += 1;
    }
  }
  return audit;
}
