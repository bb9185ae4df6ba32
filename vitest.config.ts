import { defineConfig } from 'vitest/config';

// Vite's Oxc transformer compiles the tests with the same legacy decorators and decorator metadata
// as `tsc` does for dist/, so tsyringe behaves identically in tests and in production. (Oxc ships
// inside Vite; SWC would need platform packages that not every registry mirror carries.)
export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: ['tests/**/*.spec.ts'],
    globalSetup: ['tests/support/build-global-setup.ts', 'tests/support/mongo-global-setup.ts'],
    setupFiles: ['tests/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
