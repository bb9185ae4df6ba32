import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countChecks, countVitest, summaryLine } from '../../../scripts/ci-summary.mjs';

const report = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    numPassedTests: 370,
    numFailedTests: 2,
    numPendingTests: 1,
    numTodoTests: 0,
    testResults: [{ status: 'failed', assertionResults: [{ status: 'failed' }] }],
    ...over,
  });

describe('the CI closing line', () => {
  it('sums vitest tests and the other checks, naming skips only when there are some', () => {
    const checks = countChecks('passed\tlint\nfailed\ttypes\npassed\tformat\n');
    expect(summaryLine([checks, countVitest(report(), 1)])).toBe('372 passed, 3 failed, 1 skipped');
    expect(summaryLine([checks, countVitest(report({ numPendingTests: 0 }), 1)])).toBe(
      '372 passed, 3 failed',
    );
  });

  it('counts a missing or garbled report as a failure, never as a clean run', () => {
    expect(countVitest(undefined, 0)).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(countVitest('{"numPassedTests":', 0)).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it('counts a file that failed before any test ran, and a failing exit with no failing test', () => {
    const broken = report({
      numFailedTests: 0,
      testResults: [{ status: 'failed', assertionResults: [] }, { status: 'passed' }],
    });
    expect(countVitest(broken, 1).failed).toBe(1);
    const unhandled = report({ numFailedTests: 0, testResults: [] });
    expect(countVitest(unhandled, 1).failed).toBe(1);
    expect(countVitest(unhandled, 0).failed).toBe(0);
  });

  it('counts an unreadable check line as failed', () => {
    expect(countChecks('passed\tlint\nsomething odd\n\n')).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });

  it('prints the line from the command line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ci-summary-'));
    await writeFile(path.join(dir, 'checks'), 'passed\tlint\npassed\ttypes\n');
    await writeFile(path.join(dir, 'vitest.json'), report({ numFailedTests: 0, testResults: [] }));
    const out = execFileSync(process.execPath, [
      'scripts/ci-summary.mjs',
      '--checks',
      path.join(dir, 'checks'),
      '--vitest',
      path.join(dir, 'vitest.json'),
      '--vitest-exit',
      '0',
    ]).toString();
    expect(out).toBe('372 passed, 0 failed, 1 skipped\n');
  });
});
