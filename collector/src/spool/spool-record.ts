import { crc32 } from 'node:zlib';

/** Which OTLP export a spooled request carries. */
export type TelemetrySignal = 'traces' | 'logs';
export type BodyEncoding = 'protobuf' | 'json';

/** What the spool keeps of one accepted request: the decompressed OTLP body, replayable as it came. */
export interface SpoolRecordHeader {
  /** Increases by one per record, across restarts; orders replay and names insert batches. */
  id: number;
  signal: TelemetrySignal;
  encoding: BodyEncoding;
  /** Hash of signal, encoding and body: a client's retry of the same request is recognised by it. */
  requestHash: string;
  /** Rows the body maps to (after refusals), for metrics and batch sizing without decoding. */
  rowCount: number;
}

export interface SpoolRecord extends SpoolRecordHeader {
  body: Buffer;
}

/**
 * Frame: magic u32 | header length u32 | body length u32 | crc32(header + body) u32 | header JSON | body.
 * The CRC lets a torn tail (a crash in the middle of a write) be told apart from a complete record.
 */
const MAGIC = 0x54545350; // "TTSP"
export const FRAME_PREFIX_BYTES = 16;

/**
 * A record's frame as the bytes to write: the prefix and header in one buffer, then the body as received. The body is
 * not copied into one buffer with them; the spool hands both to one `writev`.
 */
export function encodeSpoolRecord(record: SpoolRecord): readonly [Buffer, Buffer] {
  const header = JSON.stringify({
    id: record.id,
    signal: record.signal,
    encoding: record.encoding,
    requestHash: record.requestHash,
    rowCount: record.rowCount,
  } satisfies SpoolRecordHeader);
  const headerLength = Buffer.byteLength(header);
  const head = Buffer.allocUnsafe(FRAME_PREFIX_BYTES + headerLength);
  head.write(header, FRAME_PREFIX_BYTES);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(headerLength, 4);
  head.writeUInt32LE(record.body.length, 8);
  head.writeUInt32LE(crc32(record.body, crc32(head.subarray(FRAME_PREFIX_BYTES))), 12);
  return [head, record.body];
}

/** One complete record found in a segment, with where its body lies (so it can be read again later). */
export interface ScannedRecord {
  header: SpoolRecordHeader;
  bodyOffset: number;
  bodyLength: number;
}

/**
 * Reads the complete records of a segment in order. Stops at the first incomplete or corrupt frame and reports
 * where the valid data ends, so the caller can cut a torn tail off.
 */
export function scanSpoolSegment(data: Buffer): { records: ScannedRecord[]; validBytes: number } {
  const records: ScannedRecord[] = [];
  let pos = 0;
  while (data.length - pos >= FRAME_PREFIX_BYTES) {
    if (data.readUInt32LE(pos) !== MAGIC) break;
    const headerLength = data.readUInt32LE(pos + 4);
    const bodyLength = data.readUInt32LE(pos + 8);
    const expectedCrc = data.readUInt32LE(pos + 12);
    const headerStart = pos + FRAME_PREFIX_BYTES;
    const bodyStart = headerStart + headerLength;
    const end = bodyStart + bodyLength;
    if (end > data.length) break;
    const header = data.subarray(headerStart, bodyStart);
    if (crc32(data.subarray(bodyStart, end), crc32(header)) !== expectedCrc) break;
    let parsed: SpoolRecordHeader;
    try {
      parsed = JSON.parse(header.toString('utf8')) as SpoolRecordHeader;
    } catch {
      break;
    }
    records.push({ header: parsed, bodyOffset: bodyStart, bodyLength });
    pos = end;
  }
  return { records, validBytes: pos };
}
