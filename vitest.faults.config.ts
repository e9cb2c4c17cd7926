import { defineConfig, mergeConfig } from 'vitest/config';
import { runFromSources } from './vitest.sources.ts';

/** `npm run test:faults`: load and fault scenarios against real collector processes (issue 8). FAULTS_SIZE=ci shrinks them. */
export default mergeConfig(
  runFromSources,
  defineConfig({
    test: {
      include: ['faults/test/**/*.test.ts'],
      pool: 'forks',
      // One scenario at a time: each one saturates this 2-core machine, and they share bench/results/faults.json.
      fileParallelism: false,
      testTimeout: 600_000,
      hookTimeout: 180_000,
    },
  }),
);
