/** Reads a V8 .cpuprofile (node --cpu-prof) and ranks functions and modules by self time. */
import { readFile } from 'node:fs/promises';
import { ROOT } from './env.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  /** Share of the busy (non-idle) main-thread time. */
  readonly percentOfBusy: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly wallMs: number;
  /** Main-thread time not spent idle (bcrypt itself runs on libuv's pool and is not in here). */
  readonly busyMs: number;
  readonly idleMs: number;
  readonly topFunctions: readonly SelfTime[];
  readonly topModules: readonly SelfTime[];
}

/** node_modules/<package> (scoped too), a file of ours, node:internal, or a V8 pseudo-frame. */
function moduleOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName.replace(/^\(|\)$/g, '') || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.startsWith('node:')) return url.startsWith('node:internal/') ? 'node:internal' : url;
  return url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
}

/**
 * `window` (µs of CLOCK_MONOTONIC, the clock of both V8's sample timestamps and
 * process.hrtime) keeps only the samples taken inside it: the load, not start-up and set-up.
 */
export async function summariseProfile(
  file: string,
  window?: { readonly fromUs: number; readonly toUs: number },
  top = 15,
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the gap before sample i; the sample stands for the interval that follows it.
    at += profile.timeDeltas[i] ?? 0;
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) return;
    first = Math.min(first, at);
    last = Math.max(last, at);
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });

  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const where = moduleOf(frame.url, frame.functionName);
    const name =
      frame.url === ''
        ? frame.functionName
        : `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    modules.set(where, (modules.get(where) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rank = (map: Map<string, number>): SelfTime[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 100) / 10,
        percentOfBusy: Math.round((us / busyUs) * 1000) / 10,
      }));
  return {
    file,
    wallMs: Math.round((window === undefined ? profile.endTime - profile.startTime : last - first) / 1000),
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    topFunctions: rank(functions),
    topModules: rank(modules),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [
    `main thread: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle of ${summary.wallMs} ms (bcrypt runs on libuv's pool, not here)`,
    'top self time, functions:',
    ...summary.topFunctions.map(
      (f) => `  ${f.ms.toFixed(1).padStart(9)} ms ${f.percentOfBusy.toFixed(1).padStart(5)}%  ${f.name}`,
    ),
    'top self time, modules:',
    ...summary.topModules.map(
      (f) => `  ${f.ms.toFixed(1).padStart(9)} ms ${f.percentOfBusy.toFixed(1).padStart(5)}%  ${f.name}`,
    ),
  ];
  return lines.join('\n');
}
