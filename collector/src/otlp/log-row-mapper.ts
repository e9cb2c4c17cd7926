import type { LogRow } from '@tradetrace/storage';
import type { DecodedLogRecord, DecodedResourceLogs } from './decoded-logs.ts';
import { applyAttributeLimits, limitName, type IngestLimits, type MappedRows } from './ingest-limits.ts';
import { isStorableTime } from './span-row-mapper.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** Flattens decoded log requests into `otel_logs` rows; records with malformed ids are refused one by one. */
export function mapToLogRows(resources: readonly DecodedResourceLogs[], limits: IngestLimits): MappedRows<LogRow> {
  const result: MappedRows<LogRow> = { rows: [], rejected: 0, rejectionMessage: '', truncated: 0 };
  for (const resource of resources) {
    const serviceName = limitName(resource.resourceAttributes['service.name'] ?? '', limits, result);
    for (const { scope, schemaUrl, logRecords } of resource.scopeLogs) {
      for (const record of logRecords) {
        const problem = findProblem(record);
        if (problem !== undefined) {
          if (result.rejected === 0) result.rejectionMessage = problem;
          result.rejected += 1;
          continue;
        }
        result.truncated += applyAttributeLimits(record.attributes, limits);
        result.rows.push({
          Timestamp: (record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano).toString(),
          TraceId: record.traceId,
          SpanId: record.spanId,
          TraceFlags: record.flags & 0xff,
          SeverityText: record.severityText,
          SeverityNumber: record.severityNumber,
          ServiceName: serviceName,
          Body: record.body,
          ResourceSchemaUrl: resource.schemaUrl,
          ResourceAttributes: resource.resourceAttributes,
          ScopeSchemaUrl: schemaUrl,
          ScopeName: scope.name,
          ScopeVersion: scope.version,
          ScopeAttributes: scope.attributes,
          LogAttributes: record.attributes,
          EventName: record.eventName,
        });
      }
    }
  }
  return result;
}

function findProblem(record: DecodedLogRecord): string | undefined {
  if (!isStorableTime(record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano)) {
    return "a log record's time (or observed time when it has none) must lie between 2001-09-09 and 2262 (unix nanoseconds)";
  }
  if (record.traceId !== '' && !TRACE_ID.test(record.traceId))
    return "a log record's traceId must be empty or 16 bytes";
  if (record.spanId !== '' && !SPAN_ID.test(record.spanId)) return "a log record's spanId must be empty or 8 bytes";
  if (record.severityNumber > 24) return `a log record's severityNumber ${record.severityNumber} is outside 0..24`;
  return undefined;
}
