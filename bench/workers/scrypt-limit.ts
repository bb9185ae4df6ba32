/**
 * Better Auth's hash limit for the peers benchmark: `node:crypto` scrypt with the parameters of
 * its password hasher (@better-auth/utils/password.node: N = 16384, r = 16, p = 1, 64 bytes), kept
 * `concurrency` deep on libuv's pool for `seconds` after a 1 s warm-up. Prints JSON.
 *   node scrypt-limit.js <seconds> <concurrency>
 */
import { scrypt } from 'node:crypto';

const [secondsArg = '10', concurrencyArg = '8'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
const N = 16384;
const r = 16;
const p = 1;
const keyLength = 64;

const hash = (): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(
      'correct horse battery staple 42',
      'bench-salt-16byt',
      keyLength,
      { N, r, p, maxmem: 128 * N * r * 2 },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    ),
  );

async function run(windowMs: number): Promise<number> {
  const deadline = performance.now() + windowMs;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await hash();
      if (performance.now() <= deadline) done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done;
}

await run(1000);
const before = process.cpuUsage();
const started = performance.now();
const hashes = await run(seconds * 1000);
const elapsed = (performance.now() - started) / 1000;
const usage = process.cpuUsage(before);
process.stdout.write(
  `${JSON.stringify({
    N,
    r,
    p,
    keyLength,
    concurrency,
    hashes,
    seconds: elapsed,
    perSecond: hashes / seconds,
    cpuSeconds: (usage.user + usage.system) / 1e6,
  })}\n`,
);
