import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder for one scenario's collector data; `remove` deletes it (kept when FAULTS_KEEP_DATA=1, for post-mortems). */
export function scratchFolder(scenario: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `tradetrace-faults-${scenario}-`));
  return {
    path,
    remove() {
      if (process.env.FAULTS_KEEP_DATA !== '1') rmSync(path, { recursive: true, force: true });
    },
  };
}
