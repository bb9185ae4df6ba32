/**
 * Builds dist/ once per test run, before any file runs, so the e2e tests that start the real server
 * or the CLI as processes test exactly what `npm start` and `npm run cli` run.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const started = Date.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  console.log(`[test-build] dist/ built in ${Date.now() - started} ms`);
}
