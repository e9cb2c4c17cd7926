import { emptyAttributes, renderAnyValue, type AnyValue } from './any-value-rendering.ts';
import type { DecodedLogRecord, DecodedLogScope, DecodedResourceLogs } from './decoded-logs.ts';
import {
  I32,
  I64,
  LEN,
  readAnyValue,
  readKeyValueField,
  readResource,
  readScope,
  tag,
  VARINT,
} from './otlp-protobuf-common.ts';
import { ProtobufWireReader } from './protobuf-wire-reader.ts';

/** Decodes an `ExportLogsServiceRequest` (field numbers from opentelemetry-proto's logs.proto). Throws OtlpDecodeError on malformed input. */
export function decodeLogsRequestProtobuf(body: Buffer): DecodedResourceLogs[] {
  const reader = new ProtobufWireReader(body);
  const out: DecodedResourceLogs[] = [];
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) out.push(readResourceLogs(reader.message()));
    else reader.skip(t & 7);
  }
  return out;
}

function readResourceLogs(reader: ProtobufWireReader): DecodedResourceLogs {
  const result: DecodedResourceLogs = { resourceAttributes: emptyAttributes(), schemaUrl: '', scopeLogs: [] };
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) readResource(reader.message(), result.resourceAttributes);
    else if (t === tag(2, LEN)) result.scopeLogs.push(readScopeLogs(reader.message()));
    else if (t === tag(3, LEN)) result.schemaUrl = reader.string();
    else reader.skip(t & 7);
  }
  return result;
}

function readScopeLogs(reader: ProtobufWireReader): DecodedResourceLogs['scopeLogs'][number] {
  const scope: DecodedLogScope = { name: '', version: '', attributes: emptyAttributes() };
  const logRecords: DecodedLogRecord[] = [];
  let schemaUrl = '';
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) readScope(reader.message(), scope);
    else if (t === tag(2, LEN)) logRecords.push(readLogRecord(reader.message()));
    else if (t === tag(3, LEN)) schemaUrl = reader.string();
    else reader.skip(t & 7);
  }
  return { scope, schemaUrl, logRecords };
}

function readLogRecord(reader: ProtobufWireReader): DecodedLogRecord {
  const record: DecodedLogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: '',
    attributes: emptyAttributes(),
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
  // Rendered at the end: a body field seen twice is the two merged.
  let body: AnyValue = null;
  while (!reader.done) {
    const t = reader.tag();
    switch (t) {
      case tag(1, I64):
        record.timeUnixNano = reader.fixed64();
        break;
      case tag(2, VARINT):
        record.severityNumber = reader.uint32();
        break;
      case tag(3, LEN):
        record.severityText = reader.recurringString(false);
        break;
      case tag(5, LEN):
        body = readAnyValue(reader.message(), 0, body);
        break;
      case tag(6, LEN):
        readKeyValueField(reader, record.attributes);
        break;
      case tag(8, I32):
        record.flags = reader.fixed32();
        break;
      case tag(9, LEN):
        record.traceId = reader.hex();
        break;
      case tag(10, LEN):
        record.spanId = reader.hex();
        break;
      case tag(11, I64):
        record.observedTimeUnixNano = reader.fixed64();
        break;
      case tag(12, LEN):
        record.eventName = reader.recurringString(false);
        break;
      default:
        reader.skip(t & 7);
    }
  }
  record.body = renderAnyValue(body);
  return record;
}
