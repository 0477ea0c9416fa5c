import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Engine and browser tests build images and start Chromium: seconds, not milliseconds.
    testTimeout: 240_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Engine tests build images on a 2-vCPU machine: run files one after another so
    // build times stay far from the time limits the tests assert.
    fileParallelism: false,
  },
});
