/**
 * The few OTLP responses the collector sends, in both encodings: `Export*ServiceResponse` (empty, or with
 * `partial_success`) and `google.rpc.Status` for errors.
 */
export type OtlpEncoding = 'protobuf' | 'json';

/** gRPC status codes used in `google.rpc.Status.code`. */
export const GRPC_INVALID_ARGUMENT = 3;
export const GRPC_UNAUTHENTICATED = 16;
export const GRPC_PERMISSION_DENIED = 7;
export const GRPC_RESOURCE_EXHAUSTED = 8;
export const GRPC_UNAVAILABLE = 14;

export interface PartialSuccess {
  rejected: number;
  message: string;
}

/** `signal` names the counter: `rejectedSpans` / `rejectedLogRecords`. */
export function encodeExportResponse(
  encoding: OtlpEncoding,
  signal: 'Spans' | 'LogRecords',
  partial?: PartialSuccess,
): Buffer | string {
  // Rejected 0 with a message is a warning, as the OTLP specification allows.
  const empty = !partial || (partial.rejected === 0 && partial.message === '');
  if (encoding === 'json') {
    if (empty) return '{}';
    const counts = partial.rejected > 0 ? { [`rejected${signal}`]: String(partial.rejected) } : {};
    return JSON.stringify({ partialSuccess: { ...counts, errorMessage: partial.message } });
  }
  if (empty) return Buffer.alloc(0);
  const inner = Buffer.concat([
    partial.rejected > 0 ? field(1, 0, varint(partial.rejected)) : Buffer.alloc(0),
    stringField(2, partial.message),
  ]);
  return Buffer.concat([field(1, 2, Buffer.concat([varint(inner.length), inner]))]);
}

export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Buffer | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return Buffer.concat([field(1, 0, varint(code)), stringField(2, message)]);
}

function stringField(fieldNumber: number, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return field(fieldNumber, 2, Buffer.concat([varint(bytes.length), bytes]));
}

function field(fieldNumber: number, wireType: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((fieldNumber << 3) | wireType), payload]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
