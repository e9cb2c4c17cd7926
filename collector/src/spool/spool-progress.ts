import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What the shipper has done, kept beside the segments: the last record id stored in ClickHouse, and the batch
 * being inserted right now. After a crash the in-flight batch is inserted again with the same ids, hence the
 * same deduplication token, so ClickHouse drops it if the first attempt had landed.
 */
export interface SpoolProgress {
  /** Names this spool in deduplication tokens, so a fresh spool never reuses an older one's tokens. */
  spoolId: string;
  committedThrough: number;
  inflight: { from: number; to: number } | null;
}

const ProgressSchema = z.object({
  spoolId: z.string().min(1),
  committedThrough: z.number().int().min(0),
  inflight: z.object({ from: z.number().int(), to: z.number().int() }).nullable(),
});

const PROGRESS_FILE = 'progress.json';

export function readSpoolProgress(dir: string): SpoolProgress {
  const path = join(dir, PROGRESS_FILE);
  if (!existsSync(path)) return { spoolId: randomUUID(), committedThrough: 0, inflight: null };
  const parsed = ProgressSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `the spool progress file ${path} is damaged (${parsed.error.issues[0]?.message}); move it away to replay the spool from its start`,
    );
  return parsed.data;
}

/** Replaces the progress file atomically (write, fsync, rename). */
export async function writeSpoolProgress(dir: string, progress: SpoolProgress): Promise<void> {
  const path = join(dir, PROGRESS_FILE);
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(JSON.stringify(progress));
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}
