import { parentPort, workerData } from 'node:worker_threads';
import { cpuSecondsOf } from '../../src/thread-cpu.ts';

/**
 * Spins the calling thread until it has itself used `seconds` of CPU (not of wall clock: a busy host lending it less
 * of the clock cannot shorten what it books). Run as a worker, it spins `workerData.seconds`; with
 * `workerData.stay`, it then says `spun` and stays (its thread alive) until told to go.
 */
export function spinCpu(seconds: number): void {
  const until = cpuSecondsOf('/proc/thread-self/stat') + seconds;
  while (cpuSecondsOf('/proc/thread-self/stat') < until);
}

if (typeof workerData?.seconds === 'number') {
  spinCpu(workerData.seconds);
  if (workerData.stay === true) {
    parentPort?.postMessage('spun');
    parentPort?.once('message', () => parentPort?.close());
  }
}
