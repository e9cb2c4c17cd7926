import type { ViteUserConfig } from 'vitest/config';

/**
 * Tests run the TypeScript sources, never a build: the `tradetrace-source` export condition points every @tradetrace
 * package at its src/. Vite resolves with it (Vite's own server conditions kept after it), vitest passes it to its
 * worker processes and their threads, and NODE_OPTIONS hands it to every process a test spawns (CLI, collector).
 */
export const SOURCE_CONDITION = 'tradetrace-source';

export const runFromSources = {
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'development|production'] } },
  test: {
    env: {
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--conditions=${SOURCE_CONDITION}`].filter(Boolean).join(' '),
    },
  },
} satisfies ViteUserConfig;
