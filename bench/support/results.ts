/** The rows every benchmark reports, the summary lines, and the JSON files in bench/results/. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format } from 'prettier';
import { RESULTS_DIR, type MachineInfo, type Settings } from './env.js';

/** `pass`/`miss` against a target from issue #6; `info` where the issue sets none (report only). */
export type Verdict = 'pass' | 'miss' | 'info';

export interface Row {
  /** Benchmark number and name, e.g. "1 login vs bcrypt (cost 10)". */
  readonly benchmark: string;
  /** The measured figure, with its unit. */
  readonly figure: string;
  /** What it is compared with (measured in the same run), or "-". */
  readonly limit: string;
  /** figure / limit as a number, or null when there is no limit. */
  readonly ratio: number | null;
  readonly target: string;
  readonly verdict: Verdict;
  /** Raw numbers behind the row. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface BenchmarkOutcome {
  readonly name: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly seconds: number;
  /** Set when the benchmark could not run (the rows are then those it finished, maybe none). */
  readonly error?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface Benchmark {
  /** Short name: `npm run bench -- <name>`, and bench/results/<name>.json. */
  readonly name: string;
  readonly title: string;
  run(): Promise<Omit<BenchmarkOutcome, 'name' | 'title' | 'seconds'>>;
}

export const verdict = (ok: boolean): Verdict => (ok ? 'pass' : 'miss');

const ratioText = (ratio: number | null): string => (ratio === null ? '-' : ratio.toFixed(2));

/** "target ≥ 0.90, ratio 0.95 (41.2 login/s vs 43.4 compare/s): PASS" with the row's name. */
export function summaryLine(row: Omit<Row, 'details'>): string {
  const versus = row.limit === '-' ? row.figure : `${row.figure} vs ${row.limit}`;
  return `${row.benchmark}: target ${row.target}, ratio ${ratioText(row.ratio)} (${versus}): ${row.verdict.toUpperCase()}`;
}

export function formatTable(rows: readonly Omit<Row, 'details'>[]): string {
  const header = ['benchmark', 'figure', 'limit', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [
    r.benchmark,
    r.figure,
    r.limit,
    ratioText(r.ratio),
    r.target,
    r.verdict.toUpperCase(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

export interface Report {
  readonly machine: MachineInfo;
  readonly settings: Settings;
  readonly command: string;
  readonly totalSeconds?: number;
  readonly summary?: readonly Omit<Row, 'details'>[];
  readonly benchmarks?: readonly BenchmarkOutcome[];
  readonly benchmark?: BenchmarkOutcome;
}

/** Writes bench/results/<file>, formatted as Prettier would (the directory is prettier-checked). */
export function writeReport(report: Report, file: string): Promise<string> {
  return writeResults(report, file);
}

/** Writes any JSON-serialisable value to bench/results/<file>, Prettier-formatted. */
export async function writeResults(value: unknown, file: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const target = path.join(RESULTS_DIR, file);
  await writeFile(target, await format(JSON.stringify(value), { parser: 'json', printWidth: 110 }));
  return target;
}
