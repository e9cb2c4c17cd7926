import { CommittedRequestHashes } from './committed-request-hashes.ts';
import { mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { readSpoolProgress, writeSpoolProgress, type SpoolProgress } from './spool-progress.ts';
import {
  encodeSpoolRecord,
  scanSpoolSegment,
  type BodyEncoding,
  type SpoolRecordHeader,
  type TelemetrySignal,
} from './spool-record.ts';

export interface WriteAheadSpoolOptions {
  /** Folder of the spool (created if missing). */
  dir: string;
  /** Disk budget: appends that would pass it are refused with SpoolFullError. */
  maxBytes: number;
  /** A segment file is closed and a new one started past this size. Default 64 MiB. */
  segmentBytes?: number;
}

/** A spooled record waiting to be stored in ClickHouse. */
export interface SpoolEntry extends SpoolRecordHeader {
  readonly segment: number;
  readonly bodyOffset: number;
  readonly bodyLength: number;
}

/** The spool has reached its disk budget (answered with 503 + Retry-After). */
export class SpoolFullError extends Error {
  readonly code = 'TT_COLLECTOR_SPOOL_FULL';

  constructor(bytes: number, maxBytes: number) {
    super(`the spool holds ${bytes} bytes, its budget is ${maxBytes}; ClickHouse is not keeping up or is unreachable`);
    this.name = 'SpoolFullError';
  }
}

interface PendingAppend {
  frame: readonly [Buffer, Buffer];
  frameLength: number;
  entry: SpoolEntry;
  resolve: (entry: SpoolEntry) => void;
  reject: (error: unknown) => void;
}

const SEGMENT_SUFFIX = '.wal';
/** As many as the ingest remembers in memory (RECENT_HASHES in durable-ingest.ts). */
const COMMITTED_HASHES_KEPT = 100_000;
const segmentName = (n: number): string => `${String(n).padStart(12, '0')}${SEGMENT_SUFFIX}`;

/**
 * An append-only, crash-safe log of accepted requests, in segment files. Appends are group-committed: all appends
 * that arrive while one fsync runs share the next one, so a request is acknowledged only once its bytes are on disk
 * and throughput does not pay one fsync per request. Records leave the spool, in order, when `commit` says
 * ClickHouse has them; a segment file is deleted once every record in it is committed.
 */
export class WriteAheadSpool {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private progress: SpoolProgress;
  private readonly entries: SpoolEntry[] = [];
  private readonly segmentSizes = new Map<number, number>();
  private activeSegment: number;
  private activeFile: FileHandle | undefined;
  private nextId: number;
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private totalBytes = 0;
  private reservedBytes = 0;
  private rowsWaiting = 0;
  private readonly recoveredHashes: string[] = [];
  private readonly committedHashes: CommittedRequestHashes;

  private constructor(options: WriteAheadSpoolOptions, progress: SpoolProgress) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    this.progress = progress;
    this.activeSegment = 0;
    this.nextId = progress.committedThrough + 1;
    const { list, hashes } = CommittedRequestHashes.open(options.dir, COMMITTED_HASHES_KEPT);
    this.committedHashes = list;
    this.recoveredHashes.push(...hashes);
  }

  /** Opens (or creates) a spool, cutting off a torn tail and indexing every record not yet committed. */
  static async open(options: WriteAheadSpoolOptions): Promise<WriteAheadSpool> {
    mkdirSync(options.dir, { recursive: true });
    const progress = readSpoolProgress(options.dir);
    const spool = new WriteAheadSpool(options, progress);
    await writeSpoolProgress(options.dir, progress);
    spool.recover();
    return spool;
  }

  get spoolId(): string {
    return this.progress.spoolId;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get budgetBytes(): number {
    return this.maxBytes;
  }

  /** The batch that was being inserted when the process stopped, if any: insert it first, with the same ids. */
  get inflight(): { from: number; to: number } | null {
    return this.progress.inflight;
  }

  /**
   * Request hashes of every record found on disk at open, committed or not: a client whose request was made durable
   * just before a crash, but who never saw the answer, retries it, and the retry must be recognised.
   */
  get hashesFoundAtOpen(): readonly string[] {
    return [...new Set(this.recoveredHashes)];
  }

  /** Records not yet committed, oldest first. The array is live: the shipper reads from its head. */
  get waiting(): readonly SpoolEntry[] {
    return this.entries;
  }

  /** Rows (spans or log records) of the records not yet committed. */
  get waitingRows(): number {
    return this.rowsWaiting;
  }

  /** Appends a record; resolves once it is on disk (fsync), rejects with SpoolFullError past the budget. */
  append(record: {
    signal: TelemetrySignal;
    encoding: BodyEncoding;
    body: Buffer;
    rowCount: number;
    requestHash: string;
  }): Promise<SpoolEntry> {
    const id = this.nextId;
    const frame = encodeSpoolRecord({ ...record, id });
    const frameLength = frame[0].length + frame[1].length;
    if (this.totalBytes + this.reservedBytes + frameLength > this.maxBytes) {
      return Promise.reject(new SpoolFullError(this.totalBytes + this.reservedBytes, this.maxBytes));
    }
    this.nextId += 1;
    this.reservedBytes += frameLength;
    return new Promise<SpoolEntry>((resolve, reject) => {
      const entry: SpoolEntry = {
        id,
        signal: record.signal,
        encoding: record.encoding,
        requestHash: record.requestHash,
        rowCount: record.rowCount,
        segment: -1,
        bodyOffset: frame[0].length,
        bodyLength: record.body.length,
      };
      this.pending.push({ frame, frameLength, entry, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Reads a record's body back from its segment. */
  async readBody(entry: SpoolEntry): Promise<Buffer> {
    const file = await open(join(this.dir, segmentName(entry.segment)), 'r');
    try {
      const body = Buffer.allocUnsafe(entry.bodyLength);
      await file.read(body, 0, entry.bodyLength, entry.bodyOffset);
      return body;
    } finally {
      await file.close();
    }
  }

  /** Records that a batch is about to be inserted (before the INSERT is sent). */
  async markInflight(from: number, to: number): Promise<void> {
    this.progress = { ...this.progress, inflight: { from, to } };
    await writeSpoolProgress(this.dir, this.progress);
  }

  /** Records that every entry up to `through` is stored (or dead-lettered), and deletes fully committed segments. */
  async commit(through: number): Promise<void> {
    // Written before the segments can go, so a retry of a stored request is still recognised after a crash.
    await this.committedHashes.append(this.entries.filter((e) => e.id <= through).map((e) => e.requestHash));
    this.progress = { ...this.progress, committedThrough: through, inflight: null };
    await writeSpoolProgress(this.dir, this.progress);
    const removable = new Set<number>();
    while (this.entries.length > 0 && this.entries[0]!.id <= through) {
      const entry = this.entries.shift()!;
      this.rowsWaiting -= entry.rowCount;
      removable.add(entry.segment);
    }
    const stillNeeded = new Set(this.entries.map((e) => e.segment));
    for (const segment of removable) {
      if (segment === this.activeSegment || stillNeeded.has(segment)) continue;
      this.totalBytes -= this.segmentSizes.get(segment) ?? 0;
      this.segmentSizes.delete(segment);
      await rm(join(this.dir, segmentName(segment)), { force: true });
    }
    // An idle, fully drained active segment is started afresh so the spool's disk use goes back to zero.
    if (
      this.entries.length === 0 &&
      this.pending.length === 0 &&
      !this.flushing &&
      (this.segmentSizes.get(this.activeSegment) ?? 0) > 0
    ) {
      await this.rollSegment();
    }
  }

  /** Waits for appends in progress, then closes the active segment. */
  async close(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    await this.activeFile?.close();
    this.activeFile = undefined;
  }

  private recover(): void {
    const segments = readdirSync(this.dir)
      .filter((name) => name.endsWith(SEGMENT_SUFFIX))
      .map((name) => Number.parseInt(name, 10))
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
    let maxId = this.progress.committedThrough;
    for (const segment of segments) {
      const path = join(this.dir, segmentName(segment));
      const data = readFileSync(path);
      const { records, validBytes } = scanSpoolSegment(data);
      // A torn tail was never acknowledged (its fsync had not returned): cut it off.
      if (validBytes < data.length) truncateSync(path, validBytes);
      this.segmentSizes.set(segment, validBytes);
      this.totalBytes += validBytes;
      for (const record of records) {
        maxId = Math.max(maxId, record.header.id);
        this.recoveredHashes.push(record.header.requestHash);
        if (record.header.id <= this.progress.committedThrough) continue;
        this.rowsWaiting += record.header.rowCount;
        this.entries.push({
          ...record.header,
          segment,
          bodyOffset: record.bodyOffset,
          bodyLength: record.bodyLength,
        });
      }
    }
    this.entries.sort((a, b) => a.id - b.id);
    this.nextId = maxId + 1;
    this.activeSegment = (segments.at(-1) ?? 0) + 1;
  }

  /** Starts a new segment; the old one is deleted when no waiting record is in it. Synchronous up to its first await. */
  private async rollSegment(): Promise<void> {
    const previous = this.activeSegment;
    const file = this.activeFile;
    this.activeSegment += 1;
    this.activeFile = undefined;
    await file?.close();
    if (!this.entries.some((e) => e.segment === previous)) {
      this.totalBytes -= this.segmentSizes.get(previous) ?? 0;
      this.segmentSizes.delete(previous);
      await rm(join(this.dir, segmentName(previous)), { force: true });
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        if ((this.segmentSizes.get(this.activeSegment) ?? 0) >= this.segmentBytes) await this.rollSegment();
        const segment = this.activeSegment;
        const start = this.segmentSizes.get(segment) ?? 0;
        let file: FileHandle | undefined;
        try {
          if (!this.activeFile) {
            this.activeFile = await open(join(this.dir, segmentName(segment)), 'a');
            // A new file's name must survive a power loss too, not only its bytes.
            if (start === 0) await syncDirectory(this.dir);
          }
          file = this.activeFile;
          let offset = start;
          const placed = batch.map((p) => {
            const entry: SpoolEntry = { ...p.entry, segment, bodyOffset: offset + p.entry.bodyOffset };
            offset += p.frameLength;
            return entry;
          });
          await file.writev(batch.flatMap((p) => p.frame));
          await file.datasync();
          this.segmentSizes.set(segment, offset);
          this.totalBytes += offset - start;
          this.reservedBytes -= offset - start;
          this.entries.push(...placed);
          for (const entry of placed) this.rowsWaiting += entry.rowCount;
          for (const [i, p] of batch.entries()) p.resolve(placed[i]!);
        } catch (error) {
          for (const p of batch) this.reservedBytes -= p.frameLength;
          // Remove a partly written batch, so the records appended after it are not hidden behind a broken frame.
          await file?.truncate(start).catch(() => undefined);
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
