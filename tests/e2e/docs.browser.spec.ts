/**
 * The docs page in a real browser: Authorize with the OAuth 2.0 password flow (through
 * /auth/token), then "Try it out" on GET /users/me answers 200 with the user. Needs Debian's
 * chromium at /usr/bin/chromium; without it the test is skipped, loudly.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n[docs-browser] SKIPPED: ${CHROMIUM} does not exist, so the docs page was NOT tested in a browser.\n` +
      '[docs-browser] Install it with: apt-get install -y chromium\n',
  );
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_TIMEOUT = 60_000;
const SCREENSHOT = fileURLToPath(new URL('../../artifacts/docs-authorize.png', import.meta.url));

const EMAIL = 'docs.reader@example.com';
const PASSWORD = 'a long docs passphrase';

describe('the /docs page', () => {
  it.skipIf(!hasChromium)(
    'authorizes through /auth/token, calls GET /users/me with "Try it out", and persists no password or token (issue 9, finding 9)',
    async () => {
      const app = await startTestApp('embedded');
      const profile = await mkdtemp(path.join(os.tmpdir(), 'docs-browser-'));
      let context: BrowserContext | undefined;
      try {
        const registered = await app.request('/auth/register', {
          method: 'POST',
          json: { email: EMAIL, password: PASSWORD },
        });
        expect(registered.status).toBe(201);

        context = await chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: ARGS,
          viewport: { width: 1280, height: 1000 },
        });
        const page = context.pages()[0] ?? (await context.newPage());
        page.setDefaultTimeout(STEP_TIMEOUT);
        // Script errors and CSP refusals both surface here.
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));

        await page.goto(`${app.baseUrl}/docs`);
        await page.locator('button.btn.authorize').first().click();

        // The password-flow form of the `oauth2` scheme (the `bearerAuth` form has no username).
        const dialog = page.locator('.dialog-ux');
        await dialog.locator('#oauth_username').fill(EMAIL);
        await dialog.locator('#oauth_password').fill(PASSWORD);
        await dialog.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
        // Authorized: the OAuth2 form now offers Logout instead.
        await dialog.getByRole('button', { name: 'Remove authorization' }).first().waitFor();
        await dialog.locator('.close-modal').click();
        await dialog.waitFor({ state: 'detached' });

        // Finding 9: nothing of the authorization is left in the browser's storage.
        // A string expression: the test's TypeScript has no DOM types.
        const stored = await page.evaluate<string>(
          "[localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => k + '=' + s.getItem(k))).join('\\n')",
        );
        expect(stored).not.toContain(PASSWORD);
        expect(stored).not.toMatch(/access_token|refresh_token|eyJ[\w-]+\.eyJ/);
        expect(stored).not.toContain('authorized');

        const operation = page.locator('#operations-Current_user-getCurrentUser');
        await operation.locator('.opblock-summary').first().click();
        await operation.locator('button.try-out__btn').click();
        await operation.locator('button.execute').click();

        // The live response row (the table's header row has the same column classes).
        const response = operation.locator('.live-responses-table tbody .response').first();
        await expect
          .poll(async () => (await response.locator('.response-col_status').textContent())?.trim(), {
            timeout: STEP_TIMEOUT,
          })
          .toBe('200');
        await expect
          .poll(async () => response.locator('.response-col_description').textContent(), {
            timeout: STEP_TIMEOUT,
          })
          .toContain(EMAIL);

        await mkdir(path.dirname(SCREENSHOT), { recursive: true });
        // The operation block: its padlock shows the authorization, its curl the bearer token.
        await operation.screenshot({ path: SCREENSHOT });
        console.log(`[docs-browser] screenshot: ${SCREENSHOT}`);

        // Includes CSP refusals: the page's policy must leave Swagger UI working.
        expect(problems).toEqual([]);

        // After a reload the page is no longer authorized: nothing was persisted.
        await page.reload();
        await page.locator('button.btn.authorize').first().waitFor();
        expect(await page.locator('button.btn.authorize.locked').count()).toBe(0);
        expect(await page.evaluate<string | null>("localStorage.getItem('authorized')")).toBeNull();
      } finally {
        await context?.close();
        await rm(profile, { recursive: true, force: true });
        await app.dispose();
      }
    },
    180_000,
  );
});
