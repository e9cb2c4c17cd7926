import type { DecodedEvent, DecodedLink, DecodedResourceSpans, DecodedSpan } from './decoded-spans.ts';
import {
  asArray,
  asEnum,
  asId,
  asObject,
  asString,
  asUint64,
  parseJsonBody,
  readAttributes,
} from './otlp-json-common.ts';

/**
 * Decodes an `ExportTraceServiceRequest` in the OTLP/JSON encoding: lowerCamelCase keys, ids as hex (base64 is
 * accepted too), 64-bit integers as strings or numbers, enums as integers or names, unknown fields ignored.
 * Throws OtlpDecodeError, naming the offending path, on input that is not such a request.
 */
export function decodeTraceRequestJson(body: Buffer | string): DecodedResourceSpans[] {
  const request = asObject(parseJsonBody(body), '$');
  return asArray(request.resourceSpans, '$.resourceSpans').map((item, i) =>
    readResourceSpans(item, `$.resourceSpans[${i}]`),
  );
}

function readResourceSpans(value: unknown, path: string): DecodedResourceSpans {
  const o = asObject(value, path);
  const resource = o.resource === undefined || o.resource === null ? {} : asObject(o.resource, `${path}.resource`);
  return {
    resourceAttributes: readAttributes(resource.attributes, `${path}.resource.attributes`),
    scopeSpans: asArray(o.scopeSpans, `${path}.scopeSpans`).map((item, i) => {
      const p = `${path}.scopeSpans[${i}]`;
      const ss = asObject(item, p);
      const scope = ss.scope === undefined || ss.scope === null ? {} : asObject(ss.scope, `${p}.scope`);
      return {
        scope: {
          name: asString(scope.name, `${p}.scope.name`),
          version: asString(scope.version, `${p}.scope.version`),
        },
        spans: asArray(ss.spans, `${p}.spans`).map((span, j) => readSpan(span, `${p}.spans[${j}]`)),
      };
    }),
  };
}

function readSpan(value: unknown, path: string): DecodedSpan {
  const o = asObject(value, path);
  const status = o.status === undefined || o.status === null ? {} : asObject(o.status, `${path}.status`);
  return {
    traceId: asId(o.traceId, 16, `${path}.traceId`),
    spanId: asId(o.spanId, 8, `${path}.spanId`),
    parentSpanId: asId(o.parentSpanId, 8, `${path}.parentSpanId`),
    traceState: asString(o.traceState, `${path}.traceState`),
    name: asString(o.name, `${path}.name`),
    kind: asEnum(o.kind, SPAN_KINDS, `${path}.kind`),
    startTimeUnixNano: asUint64(o.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: asUint64(o.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
    events: asArray(o.events, `${path}.events`).map((event, i) => readEvent(event, `${path}.events[${i}]`)),
    links: asArray(o.links, `${path}.links`).map((link, i) => readLink(link, `${path}.links[${i}]`)),
    statusCode: asEnum(status.code, STATUS_CODES, `${path}.status.code`),
    statusMessage: asString(status.message, `${path}.status.message`),
  };
}

function readEvent(value: unknown, path: string): DecodedEvent {
  const o = asObject(value, path);
  return {
    timeUnixNano: asUint64(o.timeUnixNano, `${path}.timeUnixNano`),
    name: asString(o.name, `${path}.name`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
  };
}

function readLink(value: unknown, path: string): DecodedLink {
  const o = asObject(value, path);
  return {
    traceId: asId(o.traceId, 16, `${path}.traceId`),
    spanId: asId(o.spanId, 8, `${path}.spanId`),
    traceState: asString(o.traceState, `${path}.traceState`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
  };
}

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
