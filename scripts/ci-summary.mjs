#!/usr/bin/env node
/**
 * The closing line of .ci/run: `N passed, N failed[, N skipped]`. The CI runner reads only this line,
 * not vitest's own summary, so it must count every test vitest ran plus each other CI check.
 *
 *   node scripts/ci-summary.mjs --checks FILE --vitest REPORT.json --vitest-exit CODE
 *
 * FILE holds one `passed|failed<TAB>name` line per non-test check (lint, types, ...).
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { parseArgs } from 'node:util';

/**
 * Counts from vitest's JSON reporter. A missing or unreadable report, a file that failed before any
 * test ran, or a non-zero exit with no failing test (an unhandled error) each count as one failure,
 * so a run that crashed can never look clean.
 * @param {string | undefined} reportText
 * @param {number} exitCode
 * @returns {{ passed: number, failed: number, skipped: number }}
 */
export function countVitest(reportText, exitCode) {
  let report;
  try {
    report = reportText === undefined ? undefined : JSON.parse(reportText);
  } catch {
    report = undefined;
  }
  if (report === undefined || typeof report.numPassedTests !== 'number') {
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  const brokenFiles = files.filter(
    (file) =>
      file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  let failed = report.numFailedTests + brokenFiles;
  if (exitCode !== 0 && failed === 0) failed = 1;
  return {
    passed: report.numPassedTests,
    failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/**
 * @param {string} text lines of `passed|failed<TAB>name`; anything else counts as a failed check
 * @returns {{ passed: number, failed: number, skipped: number }}
 */
export function countChecks(text) {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const passed = lines.filter((line) => line.startsWith('passed\t')).length;
  return { passed, failed: lines.length - passed, skipped: 0 };
}

/**
 * @param {ReadonlyArray<{ passed: number, failed: number, skipped: number }>} counts
 * @returns {string}
 */
export function summaryLine(counts) {
  const total = counts.reduce(
    (sum, c) => ({
      passed: sum.passed + c.passed,
      failed: sum.failed + c.failed,
      skipped: sum.skipped + c.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  const line = `${total.passed} passed, ${total.failed} failed`;
  return total.skipped > 0 ? `${line}, ${total.skipped} skipped` : line;
}

/** @param {string} path */
const readOrUndefined = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      checks: { type: 'string' },
      vitest: { type: 'string' },
      'vitest-exit': { type: 'string', default: '0' },
    },
  });
  const counts = [countChecks(values.checks === undefined ? '' : (readOrUndefined(values.checks) ?? ''))];
  if (values.vitest !== undefined) {
    counts.push(countVitest(readOrUndefined(values.vitest), Number(values['vitest-exit'])));
  }
  process.stdout.write(`${summaryLine(counts)}\n`);
}
