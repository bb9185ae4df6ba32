/**
 * CPU accounting from /proc (Linux): how many cores a process, and the whole machine, kept busy
 * during a measured window. Lets a figure be stated "per core" honestly on a 2-core box where the
 * load generator shares the CPUs with the server.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
const clockTicks = (): number => {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
};

/** User + system CPU seconds a process has used so far (its threads included), or NaN if gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces); utime and stime are the
    // 14th and 15th fields of the line, i.e. the 12th and 13th after the name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** Busy and total CPU seconds of the whole machine so far (all cores). */
export function systemCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  // guest time is already counted in user; fields 8.. (steal onwards) are not "ours" but count as busy elsewhere.
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / clockTicks(), total: total / clockTicks() };
}

/** This (load-generator) process's CPU seconds so far. */
export const selfCpuSeconds = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

export interface CpuWindow {
  /** Cores the watched processes kept busy on average (CPU seconds per wall second). */
  readonly processes: Record<string, number>;
  /** Cores this load-generating process kept busy. */
  readonly client: number;
  /** Cores the whole machine kept busy (everything: server, store, client, OS). */
  readonly machine: number;
  readonly wallSeconds: number;
}

/** Starts a measurement window over the given processes; `end()` returns the averages. */
export function cpuWindow(pids: Record<string, number>): { end(): CpuWindow } {
  const started = process.hrtime.bigint();
  const before = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]),
  );
  const self = selfCpuSeconds();
  const machine = systemCpuSeconds();
  return {
    end(): CpuWindow {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const processes = Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => [
          name,
          (processCpuSeconds(pid) - (before[name] ?? 0)) / wall,
        ]),
      );
      return {
        processes,
        client: (selfCpuSeconds() - self) / wall,
        machine: (systemCpuSeconds().busy - machine.busy) / wall,
        wallSeconds: wall,
      };
    },
  };
}
