/** The attribute that names a row's service (OTel's resource attribute). */
export const SERVICE_NAME_KEY = 'service.name';
/** The attribute that names a row's bot (this running instance of it). */
export const BOT_ID_KEY = 'trading.bot.id';

const SERVICE_NAME_BYTES = Buffer.from(SERVICE_NAME_KEY);
const BOT_ID_BYTES = Buffer.from(BOT_ID_KEY);

/**
 * Every service name and bot id a request names, each once: each resource's (`''` when it has none) and those its
 * spans, span events and log records carry as their own attributes (only when present). A bound token must match
 * every one of them (see docs/collector.md, "Who a row belongs to"): a span's own `trading.bot.id` overrides the
 * resource's in the typed tables and triplets, so checking the resource alone would let a token write as another bot.
 */
export class NamedIdentities {
  readonly serviceNames: string[] = [];
  readonly botIds: string[] = [];
  /** The UTF-8 bytes of each entry, for comparing values still in a request's bytes without making a string. */
  private readonly serviceNameBytes: Buffer[] = [];
  private readonly botIdBytes: Buffer[] = [];

  /** A resource's attributes: it always names a service and a bot, `''` when the attribute is absent. */
  noteResource(attributes: Readonly<Record<string, string>>): void {
    this.note(this.serviceNames, this.serviceNameBytes, attributes[SERVICE_NAME_KEY] ?? '');
    this.note(this.botIds, this.botIdBytes, attributes[BOT_ID_KEY] ?? '');
  }

  /** A span's, span event's or log record's attributes, as stored: they name a service or bot only when present. */
  noteItem(attributes: Readonly<Record<string, string>>): void {
    const service = attributes[SERVICE_NAME_KEY];
    if (service !== undefined) this.note(this.serviceNames, this.serviceNameBytes, service);
    const bot = attributes[BOT_ID_KEY];
    if (bot !== undefined) this.note(this.botIds, this.botIdBytes, bot);
  }

  /**
   * One kept attribute of a span or span event, still in the request's bytes: the key at `keyStart..keyEnd`, the
   * value as text (`rendered`) or, when undefined, as UTF-8 bytes at `valueStart..valueEnd`. The protobuf transcoder
   * calls it for every attribute, so any other key costs one length comparison.
   */
  noteKeyValue(
    body: Buffer,
    keyStart: number,
    keyEnd: number,
    rendered: string | undefined,
    valueStart: number,
    valueEnd: number,
  ): void {
    const length = keyEnd - keyStart;
    let values: string[];
    let bytes: Buffer[];
    if (length === BOT_ID_BYTES.length && bytesAt(body, keyStart, BOT_ID_BYTES)) {
      values = this.botIds;
      bytes = this.botIdBytes;
    } else if (length === SERVICE_NAME_BYTES.length && bytesAt(body, keyStart, SERVICE_NAME_BYTES)) {
      values = this.serviceNames;
      bytes = this.serviceNameBytes;
    } else return;
    if (rendered !== undefined) {
      this.note(values, bytes, rendered);
      return;
    }
    for (const known of bytes) if (known.length === valueEnd - valueStart && bytesAt(body, valueStart, known)) return;
    this.note(values, bytes, body.toString('utf8', valueStart, valueEnd));
  }

  private note(values: string[], bytes: Buffer[], value: string): void {
    if (values.includes(value)) return;
    values.push(value);
    bytes.push(Buffer.from(value));
  }
}

/** Whether `body` holds `expected` at `start` (the caller checked the length). From the end: keys share prefixes. */
function bytesAt(body: Buffer, start: number, expected: Buffer): boolean {
  for (let i = expected.length - 1; i >= 0; i -= 1) if (body[start + i] !== expected[i]) return false;
  return true;
}
