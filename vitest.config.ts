import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*/test/**/*.test.ts'],
    // The fault suite (faults/) runs minutes against real collector processes: `npm run test:faults`.
    exclude: ['faults/**', '**/node_modules/**'],
    // chDB is a process-wide engine with one data path per process: every test file gets its own process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
