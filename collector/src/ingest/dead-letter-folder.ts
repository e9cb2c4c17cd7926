import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpoolEntry } from '../spool/write-ahead-spool.ts';

/**
 * Where spooled requests that ClickHouse refuses for their content go: the OTLP body exactly as received (it can be
 * sent again with curl once the cause is fixed) and a JSON file beside it with the reason.
 */
export async function writeDeadLetter(
  dir: string,
  spoolId: string,
  entry: SpoolEntry,
  body: Buffer,
  reason: string,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${spoolId}-${String(entry.id).padStart(12, '0')}-${entry.signal}`);
  const bodyPath = `${base}.${entry.encoding === 'protobuf' ? 'pb' : 'json'}`;
  await writeFile(bodyPath, body);
  await writeFile(
    `${base}.reason.json`,
    `${JSON.stringify(
      {
        id: entry.id,
        signal: entry.signal,
        encoding: entry.encoding,
        contentType: entry.encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
        rowCount: entry.rowCount,
        reason,
        deadLetteredAt: new Date().toISOString(),
        body: bodyPath,
      },
      null,
      2,
    )}\n`,
  );
  return bodyPath;
}
