import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure (no servers) and runs under two time zones in the test command;
// `integration` talks to a real Temporal dev server and a real PostgreSQL started once per run
// by test/global-setup.ts.
export default defineConfig({
  test: {
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'worker.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The machine has two cores; Temporal workers are heavy. Run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
