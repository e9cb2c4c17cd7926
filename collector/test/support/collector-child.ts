import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CollectorConfig } from '@tradetrace/collector';

const SCRIPT = fileURLToPath(new URL('./collector-process.ts', import.meta.url));

export interface CollectorChild {
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts a collector in a child process and waits for the log line with its URL. */
export function spawnCollector(config: CollectorConfig): Promise<CollectorChild> {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        const url = /"url":"([^"]+)"/.exec(line)?.[1];
        if (url) resolve({ url, process: child, exited });
      }
    });
    void exited.then((code) => reject(new Error(`collector process exited (${code}) before listening: ${stderr}`)));
  });
}
