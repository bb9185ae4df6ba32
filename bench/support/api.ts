/** Set-up calls against the running service (not timed): register users, log them in. */

export const PASSWORD = 'correct horse battery staple 42';

export interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
}

async function post(url: string, body: unknown, expected: number): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'bench-setup' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected)
    throw new Error(`POST ${url} answered ${response.status}, expected ${expected}: ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export const emailOf = (prefix: string, i: number): string => `${prefix}-${i}@bench.example`;

/** Runs `task(i)` for i < count with at most `concurrency` in flight. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export async function registerUsers(baseUrl: string, prefix: string, count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => emailOf(prefix, i));
  // bcrypt runs on the server's pool of 4 threads: more in flight only queues.
  await pool(count, 4, (i) =>
    post(`${baseUrl}/auth/register`, { email: emails[i], password: PASSWORD }, 201),
  );
  return emails;
}

export async function logIn(baseUrl: string, email: string): Promise<Tokens> {
  const body = await post(`${baseUrl}/auth/login`, { email, password: PASSWORD }, 200);
  const tokens = body as Partial<Tokens>;
  if (typeof tokens.access_token !== 'string' || typeof tokens.refresh_token !== 'string') {
    throw new Error(`login answered without tokens: ${JSON.stringify(body)}`);
  }
  return { access_token: tokens.access_token, refresh_token: tokens.refresh_token };
}
