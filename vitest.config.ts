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

// The engine tests run on two engines (scripts/test.sh brings both up):
// - Docker 28 with the containerd image store (Debian unstable's docker.io in a chroot,
//   scripts/engine28-up.sh): what students on Docker Desktop and CI runners have today.
//   Its throwaway engines (test/support/scratch-engine.ts) start from the same root.
// - Docker 20.10 (Debian 12's docker.io, overlay2): the old-engine check, on the tests
//   that found engine-specific behaviour before (cold cache, hostile Dockerfiles). Both labs'
//   self-tests run on it through test/engine/cross-engine.test.ts, which talks to both engines
//   itself and so runs once, under 'engine'.
// test/slow/ holds runs too long for every CI run (a class graded under an artificial CPU hog,
// with limits several times a warm build): `npm run test:slow` (DRYDOCK_SLOW_TESTS=1).
const engine28 = {
  DOCKER_HOST: process.env.DRYDOCK_ENGINE28_HOST ?? 'unix:///run/drydock-engine28/docker.sock',
  DRYDOCK_SCRATCH_CHROOT: process.env.DRYDOCK_ENGINE28_DIR ?? '/var/lib/drydock-engines/sid',
};
const engine20 = { DOCKER_HOST: process.env.DRYDOCK_ENGINE20_HOST ?? 'unix:///var/run/docker.sock', DRYDOCK_SCRATCH_CHROOT: '' };
const oldEngineTests = ['cold-cache', 'hostile-dockerfile'].map((f) => `test/engine/${f}.test.ts`);

// groupOrder runs the kinds one after another (unit first, engine last), never side by side.
export default defineConfig({
  test: {
    pool: 'forks',
    // Tests run the CLI as users do, from dist/: bundled once here, never by the bin.
    globalSetup: ['test/support/bundle-once.ts'],
    projects: [
      // Unit test files share their workers (no fresh process per file): a fork per file cost more than the tests.
      { extends: true, test: { name: 'unit', sequence: { groupOrder: 0 }, include: ['test/unit/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'content', sequence: { groupOrder: 1 }, include: ['test/content/**/*.test.ts'], ...slow } },
      { extends: true, test: { name: 'reference', sequence: { groupOrder: 2 }, include: ['test/reference/**/*.test.ts'], ...slow } },
      { extends: true, test: { name: 'browser', sequence: { groupOrder: 3 }, include: ['test/browser/**/*.test.ts'], ...slow } },
      { extends: true, test: { name: 'engine', sequence: { groupOrder: 4 }, include: ['test/engine/**/*.test.ts'], env: engine28, ...slow } },
      { extends: true, test: { name: 'engine-20.10', sequence: { groupOrder: 5 }, include: oldEngineTests, env: engine20, ...slow } },
      ...(process.env.DRYDOCK_SLOW_TESTS === '1'
        ? [{ extends: true as const, test: { name: 'slow', sequence: { groupOrder: 6 }, include: ['test/slow/**/*.test.ts'], env: engine28, ...slow } }]
        : []),
    ],
  },
});
