import { cpus, totalmem, type } from 'node:os';

/** What a reader needs to judge the figures: the machine and runtime they were measured on. */
export function machineInfo() {
  const cpu = cpus();
  return {
    os: type(),
    cpu_model: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
  };
}
