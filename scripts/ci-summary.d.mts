export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
export function countVitest(reportText: string | undefined, exitCode: number): Counts;
export function countChecks(text: string): Counts;
export function summaryLine(counts: readonly Counts[]): string;
