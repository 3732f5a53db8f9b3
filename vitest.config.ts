import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most files wait on timers, ports and child processes rather than the CPU: three at once on a
    // 2-core machine takes the suite from about 9 to about 4 minutes.
    maxWorkers: 3,
    env: { LOG_LEVEL: 'silent' },
  },
});
