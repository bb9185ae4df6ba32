import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the tests with the same legacy decorators and decorator metadata as `tsc` does for
// dist/, so tsyringe behaves identically in tests and in production.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['tests/**/*.spec.ts'],
    globalSetup: ['tests/support/build-global-setup.ts', 'tests/support/mongo-global-setup.ts'],
    setupFiles: ['tests/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
