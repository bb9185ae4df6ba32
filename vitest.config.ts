import { defineConfig } from 'vitest/config';

// Vite's Oxc transformer compiles the tests with the same legacy decorators and decorator metadata
// as `tsc` does for dist/, so tsyringe behaves identically in tests and in production. (Oxc ships
// inside Vite; SWC would need platform packages that not every registry mirror carries.)
//
// Two tiers: `unit` needs nothing but Node (no dist/ build, no MongoDB, no Go), so
// `npm run test:unit` gives feedback in seconds; every other test runs against the built dist/ and
// a real MongoDB-compatible server found by the global setups. `npm test` runs both.
/**
 * Files that measure time: the fault tests (revocation within a bound under load, deadlines while
 * the store hangs) and the comparison of a registered and an unregistered address. They run one
 * at a time, after the rest, so another file's load does not skew what they measure.
 */
const ALONE = ['tests/faults/**/*.spec.ts', 'tests/integration/forgot-timing.spec.ts'];

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    setupFiles: ['tests/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.spec.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.spec.ts'],
          exclude: ['tests/unit/**', ...ALONE],
          globalSetup: ['tests/support/build-global-setup.ts', 'tests/support/mongo-global-setup.ts'],
          // Two files at a time on this two-core machine: most of their time is spent waiting on
          // servers, timers and child processes (the suite took 702 s with one worker).
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: [...ALONE],
          globalSetup: ['tests/support/build-global-setup.ts', 'tests/support/mongo-global-setup.ts'],
          maxWorkers: 1,
          // After every other file: nothing else runs beside it.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
