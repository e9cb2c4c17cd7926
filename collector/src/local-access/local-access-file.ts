import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Name of the file, in the data folder, that tells tools on this machine how to reach the collector owning it. */
export const LOCAL_ACCESS_FILE = 'collector-access.json';

/** What a running collector records about itself for tools of the same user. */
export const LocalAccessSchema = z.object({
  /** Base URL of the collector's HTTP server. */
  url: z.url(),
  /** Process id of the collector, so a file left by a killed collector is recognised as stale. */
  pid: z.number().int().positive(),
  /** Bearer credential that may use the query and admin APIs; valid only while this collector runs. */
  token: z.string().min(16),
});
export type LocalAccess = z.output<typeof LocalAccessSchema>;

/** A fresh credential for one collector run. */
export function newLocalCredential(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Writes the access file, readable and writable by this user only (mode 0600): the credential grants what owning
 * the folder grants. Written to a temporary name and renamed, so a reader never sees half a file.
 */
export function writeLocalAccessFile(dataPath: string, access: LocalAccess): () => void {
  const path = join(dataPath, LOCAL_ACCESS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(access)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return () => rmSync(path, { force: true });
}

/** The access file of a folder, or undefined when there is none or it does not parse. */
export function readLocalAccessFile(dataPath: string): LocalAccess | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataPath, LOCAL_ACCESS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = LocalAccessSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
