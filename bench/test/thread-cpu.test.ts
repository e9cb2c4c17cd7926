import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadCpu } from '../src/thread-cpu.ts';

/** Spins the calling thread for `ms` of wall time. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe.skipIf(process.platform !== 'linux')('threadCpu (reads /proc, Linux only)', () => {
  it('books time spent on the JavaScript thread to `javascript`', () => {
    const before = threadCpu()!;
    spin(300);
    const after = threadCpu()!;
    // At least half the spin shows (the host may take some of it); none of it lands on the engine.
    expect(after.javascript - before.javascript).toBeGreaterThanOrEqual(0.15);
    expect(after.engine - before.engine).toBeLessThan(0.05);
  });

  it('books a thread of another name to `engine`, also after it ended', async () => {
    const before = threadCpu()!;
    const worker = new Worker(`const until = performance.now() + 300; while (performance.now() < until);`, { eval: true, name: 'spinner' });
    await new Promise((resolve) => worker.once('exit', resolve));
    const after = threadCpu()!;
    expect(after.engine - before.engine).toBeGreaterThanOrEqual(0.15);
  });
});
