import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { FaultsSize } from './faults-size.ts';
import type { SpanAudit } from './span-audit.ts';
import { REPO_ROOT } from './repo-paths.ts';

/** One scenario's summary in bench/results/faults.json; the counts come from the clients and from ClickHouse. */
export interface ScenarioSummary {
  size: FaultsSize;
  sent: number;
  acknowledged: number;
  stored: number;
  duplicates: number;
  maxRssMb: number;
  durationS: number;
  /** Scenario-specific figures (statuses seen, restarts, pace ratio, ...). */
  [figure: string]: unknown;
}

const RESULTS_DIR = `${REPO_ROOT}bench/results`;
export const FAULTS_RESULTS_FILE = `${RESULTS_DIR}/faults.json`;

/** Adds (or replaces) a scenario's summary; scenario files run one after another, so read-modify-write is safe. */
export function recordScenario(name: string, summary: ScenarioSummary): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  let previous: { scenarios?: Record<string, unknown> } = {};
  try {
    previous = JSON.parse(readFileSync(FAULTS_RESULTS_FILE, 'utf8')) as typeof previous;
  } catch {
    // first scenario of the run, or an unreadable file: start afresh
  }
  const file = {
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    updatedAt: new Date().toISOString(),
    scenarios: { ...previous.scenarios, [name]: { ...summary, recordedAt: new Date().toISOString() } },
  };
  writeFileSync(FAULTS_RESULTS_FILE, `${JSON.stringify(file, null, 2)}\n`);
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** The counts every exporter-driven scenario reports: its span audit, the collector's peak RSS, its duration. */
export function auditedCounts(
  size: FaultsSize,
  audit: SpanAudit,
  maxRssMiB: number,
  startedAt: number,
): ScenarioSummary {
  return {
    size,
    sent: audit.sent,
    acknowledged: audit.acknowledged,
    stored: audit.storedRows,
    duplicates: audit.duplicates,
    maxRssMb: round(maxRssMiB),
    durationS: round((performance.now() - startedAt) / 1000),
  };
}
