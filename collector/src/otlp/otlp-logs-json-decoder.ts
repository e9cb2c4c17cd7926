import { emptyAttributes, renderAnyValue } from './any-value-rendering.ts';
import type { DecodedLogRecord, DecodedResourceLogs } from './decoded-logs.ts';
import { OtlpDecodeError } from './decoded-spans.ts';
import {
  asArray,
  asEnum,
  asId,
  asInt64,
  asObject,
  asString,
  asUint64,
  parseJsonBody,
  readAnyValue,
  readAttributes,
} from './otlp-json-common.ts';

const SEVERITY_NUMBERS = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`),
  ),
];

/** Decodes an `ExportLogsServiceRequest` in the OTLP/JSON encoding (same rules as the trace decoder). */
export function decodeLogsRequestJson(body: Buffer | string): DecodedResourceLogs[] {
  const request = asObject(parseJsonBody(body), '$');
  return asArray(request.resourceLogs, '$.resourceLogs').map((item, i) => {
    const path = `$.resourceLogs[${i}]`;
    const o = asObject(item, path);
    const resource = o.resource === undefined || o.resource === null ? {} : asObject(o.resource, `${path}.resource`);
    return {
      resourceAttributes: readAttributes(resource.attributes, `${path}.resource.attributes`),
      schemaUrl: asString(o.schemaUrl, `${path}.schemaUrl`),
      scopeLogs: asArray(o.scopeLogs, `${path}.scopeLogs`).map((scopeItem, j) => {
        const p = `${path}.scopeLogs[${j}]`;
        const sl = asObject(scopeItem, p);
        const scope = sl.scope === undefined || sl.scope === null ? {} : asObject(sl.scope, `${p}.scope`);
        return {
          scope: {
            name: asString(scope.name, `${p}.scope.name`),
            version: asString(scope.version, `${p}.scope.version`),
            attributes:
              scope.attributes === undefined
                ? emptyAttributes()
                : readAttributes(scope.attributes, `${p}.scope.attributes`),
          },
          schemaUrl: asString(sl.schemaUrl, `${p}.schemaUrl`),
          logRecords: asArray(sl.logRecords, `${p}.logRecords`).map((record, k) =>
            readLogRecord(record, `${p}.logRecords[${k}]`),
          ),
        };
      }),
    };
  });
}

function readLogRecord(value: unknown, path: string): DecodedLogRecord {
  const o = asObject(value, path);
  const flags = asInt64(o.flags, `${path}.flags`);
  if (flags < 0n || flags > 0xffff_ffffn) throw new OtlpDecodeError(`${path}.flags must be an unsigned 32-bit integer`);
  return {
    timeUnixNano: asUint64(o.timeUnixNano, `${path}.timeUnixNano`),
    observedTimeUnixNano: asUint64(o.observedTimeUnixNano, `${path}.observedTimeUnixNano`),
    severityNumber: asEnum(o.severityNumber, SEVERITY_NUMBERS, `${path}.severityNumber`),
    severityText: asString(o.severityText, `${path}.severityText`),
    body: renderAnyValue(readAnyValue(o.body, `${path}.body`)),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
    flags: Number(flags),
    traceId: asId(o.traceId, 16, `${path}.traceId`),
    spanId: asId(o.spanId, 8, `${path}.spanId`),
    eventName: asString(o.eventName, `${path}.eventName`),
  };
}
