/**
 * Where each span row of one RowBinary buffer (SPAN_ROW_LAYOUT) begins, and its place in `otel_traces`' sorting key
 * `(ServiceName, SpanName, toDateTime(Timestamp))`: what SpanKeyOrdering needs to put a batch's rows in that order
 * without decoding them again.
 */
export interface SpanRowKeys {
  /** Each row's first byte in the buffer, then the buffer's end: one more entry than rows. */
  readonly rowStarts: Uint32Array;
  /** Each row's (ServiceName, SpanName) pair, as an index into `names`. */
  readonly nameOfRow: Uint32Array;
  /** Each row's `toDateTime(Timestamp)`: unix seconds modulo 2^32, as ClickHouse's DateTime wraps them past 2106. */
  readonly seconds: Uint32Array;
  /**
   * The distinct pairs, each as the RowBinary of ServiceName followed by that of SpanName (length, then UTF-8 bytes),
   * one latin1 character per byte: the bytes themselves, comparable and usable as a map key.
   */
  readonly names: readonly string[];
}

/** Collects SpanRowKeys while rows are written, one `add` per row in order. */
export class SpanRowKeysBuilder {
  private readonly rowStarts: Uint32Array;
  private readonly nameOfRow: Uint32Array;
  private readonly seconds: Uint32Array;
  private readonly names: string[] = [];
  /** ServiceName key → SpanName key → index in `names`. */
  private readonly byService = new Map<string, Map<string, number>>();
  private lastService = '';
  private lastServiceNames: Map<string, number> | undefined;
  private rows = 0;

  /** `capacity`: rows at most (a request's span count). */
  constructor(capacity: number) {
    this.rowStarts = new Uint32Array(capacity + 1);
    this.nameOfRow = new Uint32Array(capacity);
    this.seconds = new Uint32Array(capacity);
  }

  /**
   * A row that begins at byte `rowStart`. `service` and `spanName`: the RowBinary of its ServiceName and SpanName as
   * latin1 text (rowBinaryStringKey); `seconds`: its start time in whole unix seconds (rounded down).
   */
  add(rowStart: number, service: string, spanName: string, seconds: number): void {
    let spanNames = this.lastServiceNames;
    if (spanNames === undefined || service !== this.lastService) {
      spanNames = this.byService.get(service);
      if (spanNames === undefined) this.byService.set(service, (spanNames = new Map()));
      this.lastService = service;
      this.lastServiceNames = spanNames;
    }
    let name = spanNames.get(spanName);
    if (name === undefined) {
      name = this.names.length;
      this.names.push(service + spanName);
      spanNames.set(spanName, name);
    }
    this.push(rowStart, name, seconds);
  }

  /** A row with the ServiceName and SpanName of the row added last (no text to make and look up). */
  addLikeLast(rowStart: number, seconds: number): void {
    this.push(rowStart, this.nameOfRow[this.rows - 1]!, seconds);
  }

  private push(rowStart: number, name: number, seconds: number): void {
    const row = this.rows++;
    this.rowStarts[row] = rowStart;
    this.nameOfRow[row] = name;
    // Wrapped to DateTime's 32 bits as toDateTime wraps them (the typed array keeps the low 32 bits).
    this.seconds[row] = seconds;
  }

  /** The keys of the rows added, the last one ending at byte `end`. */
  finish(end: number): SpanRowKeys {
    this.rowStarts[this.rows] = end;
    return {
      rowStarts: this.rowStarts.subarray(0, this.rows + 1),
      nameOfRow: this.nameOfRow.subarray(0, this.rows),
      seconds: this.seconds.subarray(0, this.rows),
      names: this.names,
    };
  }
}

/** A string's RowBinary (LEB128 length, UTF-8 bytes) as latin1 text: the form SpanRowKeysBuilder.add takes. */
export function rowBinaryStringKey(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  let prefix = '';
  let length = bytes.length;
  while (length >= 0x80) {
    prefix += String.fromCharCode((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  return prefix + String.fromCharCode(length) + bytes.toString('latin1');
}
