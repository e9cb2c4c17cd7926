import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds this process has used, by who used it. The collector and its embedded engine share one process, so the
 * collector's own cost (what the OpenTelemetry Collector's per-core sizing compares with) is only visible by thread.
 */
export interface ThreadCpu {
  /**
   * The JavaScript thread and V8's helper threads, which carry the process's name (`node`): those that ran when
   * `noteJavascriptThreads` was called, or every thread so named if it was not.
   */
  javascript: number;
  /**
   * libuv's pool: spool writes and fsyncs, insert files, and the engine calls, whose query starts on the calling
   * thread. Counted as the collector's own: that overstates it, never understates it.
   */
  io: number;
  /** Everything else: the embedded engine's own threads (query pipeline, merges, background schedules). */
  engine: number;
}

/** CPU microseconds per span between two readings: the collector's own threads, and the whole process with its engine. */
export interface CpuPerSpan {
  own: number;
  total: number;
}

export function cpuPerSpan(before: ThreadCpu, after: ThreadCpu, spans: number): CpuPerSpan {
  const used = (group: keyof ThreadCpu) => after[group] - before[group];
  const own = used('javascript') + used('io');
  return { own: (own * 1e6) / spans, total: ((own + used('engine')) * 1e6) / spans };
}

/** /proc reports thread times in USER_HZ, which Linux fixes at 100 per second for user space. */
const TICKS_PER_SECOND = 100;

/** The threads named `node` when the process started, before the engine did; undefined until noted. */
let javascriptThreads: ReadonlySet<string> | undefined;

/**
 * Notes the threads that are JavaScript's, before the embedded engine starts: threads the engine starts from the
 * JavaScript thread inherit its name (`node`; chDB's allocator runs three such, which give memory back to the system
 * while inserts run), and without this note their time would be booked to `javascript`.
 */
export function noteJavascriptThreads(): void {
  try {
    javascriptThreads = new Set(readdirSync('/proc/self/task').filter((tid) => threadName(tid) === 'node'));
  } catch {
    javascriptThreads = undefined; // no /proc: threadCpu reports nothing anyway
  }
}

/** This process's CPU time by thread group, from /proc; undefined where there is no /proc (not Linux). */
export function threadCpu(): ThreadCpu | undefined {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  let javascript = 0;
  let io = 0;
  for (const tid of threads) {
    let seconds: number;
    let name: string;
    try {
      seconds = cpuSecondsOf(`/proc/self/task/${tid}/stat`);
      name = threadName(tid);
    } catch {
      continue; // the thread ended meanwhile
    }
    if (name === 'libuv-worker') io += seconds;
    else if (Number(tid) === process.pid || (name === 'node' && (javascriptThreads?.has(tid) ?? true)))
      javascript += seconds;
  }
  // The engine's pools start and end threads; the process's own total keeps the time of ended ones too.
  const usage = process.cpuUsage();
  const total = (usage.user + usage.system) / 1e6;
  return { javascript, io, engine: Math.max(0, total - javascript - io) };
}

function threadName(tid: string): string {
  return readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim();
}

/** CPU seconds (user and system) in a /proc `stat` file: of a thread, such as `/proc/thread-self/stat`, or a process. */
export function cpuSecondsOf(statFile: string): number {
  const stat = readFileSync(statFile, 'latin1');
  // Fields after the parenthesised name start at field 3 (state); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
