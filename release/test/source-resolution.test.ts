import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { publicWorkspaces, SOURCE_CONDITION } from '../src/public-packages.ts';

/** Each public package's main entry point in its sources, as the `tradetrace-source` condition names it. */
const packages = publicWorkspaces().map((w) => {
  const target = w.manifest.exports?.['.'];
  if (typeof target !== 'object') throw new Error(`${w.manifest.name}: "." export has no ${SOURCE_CONDITION}`);
  return { name: w.manifest.name, entry: join(w.path, target[SOURCE_CONDITION]) };
});
const names = JSON.stringify(packages.map((p) => p.name));
const entries = packages.map((p) => p.entry);

// The published `exports` point at build/. Without a build, a resolution that missed the source condition fails
// loudly; with one (a developer's, or the outside-in step's) it would silently run old code. These checks hold either
// way, and mean the most with a build present.
describe('tests run the TypeScript sources', () => {
  it('names source entry points that exist', () => {
    for (const entry of entries) expect(existsSync(entry), entry).toBe(true);
  });

  it('loads every public package from its sources in the test process', async () => {
    for (const p of packages) {
      expect(await import(/* @vite-ignore */ p.name)).toBe(await import(/* @vite-ignore */ p.entry));
    }
  });

  it('resolves them to the sources in a process a test spawns', () => {
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `console.log(JSON.stringify(${names}.map((n) => import.meta.resolve(n))))`],
      { encoding: 'utf8' },
    );
    expect((JSON.parse(output) as string[]).map((url) => fileURLToPath(url))).toEqual(entries);
  });

  it('resolves them to the sources in a worker thread', async () => {
    const worker = new Worker(
      `require('node:worker_threads').parentPort.postMessage(${names}.map((n) => require.resolve(n)))`,
      { eval: true },
    );
    const resolved = await new Promise<string[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(resolved).toEqual(entries);
  });
});
