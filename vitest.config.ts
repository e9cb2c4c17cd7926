import { defineConfig, mergeConfig } from 'vitest/config';
import { runFromSources } from './vitest.sources.ts';

export default mergeConfig(
  runFromSources,
  defineConfig({
    test: {
      include: ['*/test/**/*.test.ts'],
      // The fault suite (faults/) runs minutes against real collector processes: `npm run test:faults`.
      exclude: ['faults/**', '**/node_modules/**'],
      // chDB is a process-wide engine with one data path per process: every test file gets its own process.
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
);
