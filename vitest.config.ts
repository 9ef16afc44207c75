import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn real processes and the daemon test waits for signals.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
