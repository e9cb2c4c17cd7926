import { readFileSync } from 'node:fs';

/** Resident memory of a process in MiB, from /proc; undefined once the process is gone. */
export function residentMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `intervalMs` and keeps the peak, overall and since the last `mark()`. */
export class RssSampler {
  private readonly timer: NodeJS.Timeout;
  private peak = 0;
  private peakSinceMark = 0;

  constructor(pid: number, intervalMs = 200) {
    const sample = () => {
      const rss = residentMiB(pid);
      if (rss === undefined) return;
      this.peak = Math.max(this.peak, rss);
      this.peakSinceMark = Math.max(this.peakSinceMark, rss);
    };
    sample();
    this.timer = setInterval(sample, intervalMs);
    this.timer.unref();
  }

  get maxMiB(): number {
    return this.peak;
  }

  /** Starts a new phase; returns the peak of the phase that ends. */
  mark(): number {
    const phasePeak = this.peakSinceMark;
    this.peakSinceMark = 0;
    return phasePeak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
