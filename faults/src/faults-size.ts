/** How big each scenario runs: `full` is what issue 8 asks for; `ci` (FAULTS_SIZE=ci) keeps the whole suite within 5 minutes. */
export type FaultsSize = 'full' | 'ci';

export interface FaultsPlan {
  size: FaultsSize;
  load: { clients: number; durationMs: number };
  outage: { clients: number; beforeMs: number; outageMs: number; afterMs: number; spoolMaxBytes: number };
  crash: { clients: number; kills: number; minUpMs: number; maxUpMs: number };
  diskBudget: { spoolMaxBytes: number };
  hostile: { bodies: number };
  sdk: { decisions: number };
}

const MiB = 1024 * 1024;

const PLANS: Record<FaultsSize, FaultsPlan> = {
  full: {
    size: 'full',
    load: { clients: 16, durationMs: 60_000 },
    outage: { clients: 16, beforeMs: 10_000, outageMs: 30_000, afterMs: 10_000, spoolMaxBytes: 64 * MiB },
    crash: { clients: 16, kills: 6, minUpMs: 3_000, maxUpMs: 9_000 },
    diskBudget: { spoolMaxBytes: 4 * MiB },
    hostile: { bodies: 10_000 },
    sdk: { decisions: 10_000 },
  },
  ci: {
    size: 'ci',
    load: { clients: 16, durationMs: 12_000 },
    outage: { clients: 8, beforeMs: 4_000, outageMs: 8_000, afterMs: 4_000, spoolMaxBytes: 16 * MiB },
    crash: { clients: 8, kills: 5, minUpMs: 2_000, maxUpMs: 4_000 },
    diskBudget: { spoolMaxBytes: 2 * MiB },
    hostile: { bodies: 1_000 },
    sdk: { decisions: 3_000 },
  },
};

/** The plan for this run, from FAULTS_SIZE (`ci` or unset/`full`); anything else is refused so a typo cannot silently run full size. */
export function faultsPlan(env: NodeJS.ProcessEnv = process.env): FaultsPlan {
  const requested = env.FAULTS_SIZE?.trim() || 'full';
  if (requested !== 'full' && requested !== 'ci')
    throw new Error(`FAULTS_SIZE must be "full" or "ci", not "${requested}"`);
  return PLANS[requested];
}
