/**
 * `npm run bench` runs the five benchmarks of issue #6 and the audit chain's of issue 13;
 * `npm run bench -- <name>…` runs some (login, read, refresh, rebuild, scaling, audit; `profile`
 * and `profile-read` are extra --cpu-prof runs of the login and GET /users/me paths).
 * Each prints "target … ratio … PASS/MISS/INFO" lines and writes bench/results/<name>.json; a run
 * of all of them also writes bench/results/latest.json with the summary table. Knobs: bench/README.md.
 */
import { audit } from './benchmarks/audit.js';
import { forgot } from './benchmarks/forgot.js';
import { login } from './benchmarks/login.js';
import { peers } from './benchmarks/peers.js';
import { privacy } from './benchmarks/privacy.js';
import { profile, profileRead, profileRefresh } from './benchmarks/profile.js';
import { read } from './benchmarks/read.js';
import { rebuild } from './benchmarks/rebuild.js';
import { refresh } from './benchmarks/refresh.js';
import { revocation } from './benchmarks/revocation.js';
import { scaling } from './benchmarks/scaling.js';
import { startup } from './benchmarks/startup.js';
import { log, machineInfo, round, settings } from './support/env.js';
import {
  formatTable,
  summaryLine,
  writeReport,
  type Benchmark,
  type BenchmarkOutcome,
  type Row,
} from './support/results.js';

/** The default set (`npm run bench`); a run of all of them writes latest.json. */
const DEFAULT_SET: readonly Benchmark[] = [login, read, refresh, rebuild, scaling, startup, audit];
/** Extra: not in the default set (profiles; `peers` installs Keycloak and Better Auth on first use). */
const ALL: readonly Benchmark[] = [
  ...DEFAULT_SET,
  revocation,
  privacy,
  profile,
  profileRead,
  profileRefresh,
  forgot,
  peers,
];

function select(args: readonly string[]): readonly Benchmark[] {
  const names = args.filter((arg) => !arg.startsWith('-'));
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: npm run bench [-- <name>…]   names: ${ALL.map((b) => b.name).join(', ')}\n`);
    process.exit(0);
  }
  if (names.length === 0 || names.includes('all')) return DEFAULT_SET;
  return names.map((name) => {
    const found = ALL.find((b) => b.name === name);
    if (found === undefined) {
      process.stderr.write(`unknown benchmark "${name}"; known: ${ALL.map((b) => b.name).join(', ')}\n`);
      process.exit(2);
    }
    return found;
  });
}

const strip = (row: Row): Omit<Row, 'details'> => {
  const { details: _details, ...rest } = row;
  return rest;
};

async function main(): Promise<void> {
  const chosen = select(process.argv.slice(2));
  const machine = machineInfo();
  const command = `npm run bench${chosen === DEFAULT_SET ? '' : ` -- ${chosen.map((b) => b.name).join(' ')}`}`;
  log(
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `load average ${machine.loadAverage.join(' ')}; ` +
      `bcrypt cost ${settings.bcryptCost}, ${settings.durationS} s phases${settings.quick ? ' (BENCH_QUICK)' : ''}`,
  );
  const started = performance.now();
  const outcomes: BenchmarkOutcome[] = [];
  for (const benchmark of chosen) {
    log(`=== ${benchmark.title}`);
    const t0 = performance.now();
    let outcome: BenchmarkOutcome;
    try {
      const result = await benchmark.run();
      outcome = {
        name: benchmark.name,
        title: benchmark.title,
        seconds: round((performance.now() - t0) / 1000),
        ...result,
      };
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${benchmark.name} failed: ${message}`);
      outcome = {
        name: benchmark.name,
        title: benchmark.title,
        seconds: round((performance.now() - t0) / 1000),
        rows: [],
        error: message,
      };
    }
    outcomes.push(outcome);
    await writeReport({ machine, settings, command, benchmark: outcome }, `${benchmark.name}.json`);
    for (const row of outcome.rows) process.stdout.write(`${summaryLine(row)}\n`);
    if (outcome.error !== undefined) process.stdout.write(`${benchmark.name}: ERROR (see above)\n`);
  }

  const summary = outcomes.flatMap((o) => o.rows.map(strip));
  const totalSeconds = round((performance.now() - started) / 1000);
  process.stdout.write(`\n${formatTable(summary)}\n(${totalSeconds} s)\n`);
  if (chosen === DEFAULT_SET) {
    const file = await writeReport(
      { machine, settings, command, totalSeconds, summary, benchmarks: outcomes },
      'latest.json',
    );
    log(`wrote ${file}`);
  }
  if (outcomes.some((o) => o.error !== undefined)) process.exitCode = 1;
}

await main();
