import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { noteJavascriptThreads, threadCpu } from '../src/thread-cpu.ts';
import { spinCpu } from './support/cpu-spin.ts';

describe.skipIf(process.platform !== 'linux')('threadCpu (reads /proc, Linux only)', () => {
  it('books time spent on the JavaScript thread to `javascript`', () => {
    const before = threadCpu()!;
    spinCpu(0.3);
    const after = threadCpu()!;
    expect(after.javascript - before.javascript).toBeGreaterThanOrEqual(0.3);
    expect(after.engine - before.engine).toBeLessThan(0.1);
  });

  it('books a thread of another name to `engine`, also after it ended', async () => {
    const before = threadCpu()!;
    const worker = new Worker(new URL('./support/cpu-spin.ts', import.meta.url), {
      name: 'spinner',
      workerData: { seconds: 0.3 },
    });
    await new Promise((resolve) => worker.once('exit', resolve));
    const after = threadCpu()!;
    expect(after.engine - before.engine).toBeGreaterThanOrEqual(0.3);
  });

  it('books a thread named `node` that started after noteJavascriptThreads to `engine`, while it runs', async () => {
    noteJavascriptThreads();
    const before = threadCpu()!;
    // An unnamed worker's thread is named `node`, as the engine's threads started from the JavaScript thread are.
    const worker = new Worker(new URL('./support/cpu-spin.ts', import.meta.url), {
      workerData: { seconds: 0.3, stay: true },
    });
    await new Promise((resolve) => worker.once('message', resolve));
    const after = threadCpu()!;
    worker.postMessage('go');
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(after.engine - before.engine).toBeGreaterThanOrEqual(0.3);
    expect(after.javascript - before.javascript).toBeLessThan(0.3);
  });
});
