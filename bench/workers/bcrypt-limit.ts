/**
 * The bcrypt ceiling: `bcrypt.compare` at the given cost, kept `concurrency` deep on libuv's pool
 * (UV_THREADPOOL_SIZE threads, the same pool the service uses) for `seconds`. Prints JSON.
 *   node bcrypt-limit.js <cost> <seconds> <concurrency>
 */
import bcrypt from 'bcrypt';

const [costArg = '10', secondsArg = '10', concurrencyArg = '8'] = process.argv.slice(2);
const cost = Number(costArg);
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);

// The service compares a 44-character base64 HMAC digest (its pre-hash), so this does too.
const input = 'q6V1x2m9cH0Jb3k4nS5tU7wY8zA1B2C3D4E5F6G7H8=';
const hash = await bcrypt.hash(input, cost);

async function run(windowMs: number): Promise<number> {
  const deadline = performance.now() + windowMs;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (!(await bcrypt.compare(input, hash))) throw new Error('bcrypt.compare returned false');
      if (performance.now() <= deadline) done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done;
}

await run(1000); // warm-up: threads started, caches warm
const started = performance.now();
const compares = await run(seconds * 1000);
const elapsed = (performance.now() - started) / 1000;
const usage = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({
    cost,
    concurrency,
    threads: Number(process.env['UV_THREADPOOL_SIZE'] ?? 4),
    compares,
    seconds: elapsed,
    perSecond: compares / seconds,
    msPerCompare:
      (elapsed * 1000 * Math.min(concurrency, Number(process.env['UV_THREADPOOL_SIZE'] ?? 4))) / compares,
    cpuSeconds: (usage.user + usage.system) / 1e6,
  })}\n`,
);
