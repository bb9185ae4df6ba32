import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

export interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_expires_in: number;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: { field: string; message: string }[];
  readonly error?: string;
}

let counter = 0;
/** A fresh, valid email per call so tests never collide on one store. */
export const uniqueEmail = (label = 'user'): string =>
  `${label}.${process.pid}.${Date.now()}.${++counter}@example.com`;

export const PASSWORD = 'correct horse battery';

export async function register(
  app: TestApp,
  body: Record<string, unknown> = {},
): Promise<{ id: string; email: string }> {
  const email = (body.email as string | undefined) ?? uniqueEmail();
  const response = await app.request('/auth/register', {
    method: 'POST',
    json: { email, password: PASSWORD, ...body },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; email: string };
}

export async function logIn(
  app: TestApp,
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Tokens> {
  const response = await app.request('/auth/login', { method: 'POST', json: { email, password }, headers });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Tokens;
}

export async function registerAndLogIn(
  app: TestApp,
  body: Record<string, unknown> = {},
): Promise<{ id: string; email: string; tokens: Tokens }> {
  const user = await register(app, body);
  return { ...user, tokens: await logIn(app, user.email) };
}

/** Asserts an RFC 9457 problem document with the given status and returns it. */
export async function expectProblem(response: Response, status: number): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as Problem;
  expect(problem.status).toBe(status);
  expect(typeof problem.detail).toBe('string');
  expect(typeof problem.title).toBe('string');
  return problem;
}

export const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
