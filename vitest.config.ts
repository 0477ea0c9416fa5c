import { defineConfig } from 'vitest/config';

// One project per kind of test, so each kind runs alone (`npx vitest run --project unit`):
// unit tests need no engine and no browser; engine tests build and run real images;
// browser tests open real Chromium; content tests check the course against its captures;
// reference tests compare Drydock's readers with the programs they imitate.
const slow = {
  // Engine and browser tests build images and start Chromium: seconds, not milliseconds.
  testTimeout: 240_000,
  hookTimeout: 600_000,
  // Engine tests build images on a 2-vCPU machine: run files one after another so
  // build times stay far from the time limits the tests assert.
  fileParallelism: false,
};

// groupOrder runs the kinds one after another (unit first, engine last), never side by side.
export default defineConfig({
  test: {
    pool: 'forks',
    // Tests run the CLI as users do, from dist/: bundled once here, never by the bin.
    globalSetup: ['test/support/bundle-once.ts'],
    projects: [
      { extends: true, test: { name: 'unit', sequence: { groupOrder: 0 }, include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'content', sequence: { groupOrder: 1 }, include: ['test/content/**/*.test.ts'], ...slow } },
      { extends: true, test: { name: 'reference', sequence: { groupOrder: 2 }, include: ['test/reference/**/*.test.ts'], ...slow } },
      { extends: true, test: { name: 'browser', sequence: { groupOrder: 3 }, include: ['test/browser/**/*.test.ts'], ...slow } },
      { extends: true, test: { name: 'engine', sequence: { groupOrder: 4 }, include: ['test/engine/**/*.test.ts'], ...slow } },
    ],
  },
});
