import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { issueLocalToken } from '../../local/oidc-clients.ts';
import { freePort } from '../../local/processes.ts';
import {
  type StackProcess,
  type StackWhereabouts,
  startStackProcess,
} from '../../test/support/stack-process.ts';

/** Debian's chromium package: Playwright's own browser download cannot reach its host here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserStack {
  appUrl: string;
  stack: StackWhereabouts;
  browser: Browser;
  /** An access token straight from the issuer, to arrange data through the API. */
  token(subject: string, role: 'service' | 'admin'): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A local stack of its own (in memory, demo data, free ports) serving the built admin app on a
 * free port (ADMIN_APP_URL: the issuer's redirect URI and the API's CORS origin follow it), and a
 * headless Chromium.
 */
export async function startBrowserStack(): Promise<BrowserStack> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const appUrl = `http://localhost:${await freePort()}`;
  const dir = mkdtempSync(join(tmpdir(), 'admin-browser-'));
  const running: StackProcess = startStackProcess({
    PORT: '0',
    MOCK_API_PORT: '0',
    DYNAMODB_PORT: '0',
    DYNAMODB_IN_MEMORY: '1',
    SERVE_ADMIN_APP: '1',
    ADMIN_APP_URL: appUrl,
    LOCAL_STACK_READY_FILE: join(dir, 'ready.json'),
  });
  let browser: Browser | undefined;
  try {
    const stack = await running.waitForReady(80_000);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const launched = browser;
    return {
      appUrl,
      stack,
      browser: launched,
      token: (subject, role) => issueLocalToken(stack.oidc.tokenEndpoint, subject, role),
      stop: async () => {
        await launched.close();
        await running.killGroup();
      },
    };
  } catch (error) {
    await browser?.close();
    await running.killGroup();
    throw error;
  }
}

export interface PageOptions {
  /** 1280 × 900 unless given: a phone is 390 × 844. */
  viewport?: { width: number; height: number };
  /** The rep's time zone (IANA), as the browser reports it; UTC unless given. */
  timezoneId?: string;
}

/** A fresh browser context and page, failing the test on any page error. */
export async function newPage(browser: Browser, options: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    timezoneId: options.timezoneId ?? 'UTC',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

/** Fills the issuer's sign-in form, as a person would. */
export async function submitIssuerSignIn(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
}

/** Signs in through the issuer's login page, as a person would; resolves on the customers page. */
export async function signIn(
  browser: Browser,
  appUrl: string,
  login: string,
  options: PageOptions = {},
): Promise<Page> {
  const page = await newPage(browser, options);
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await submitIssuerSignIn(page, login);
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  return page;
}

/** Where `npm run screenshots` saves its pictures (with SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = join(import.meta.dirname, '../../docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Reloads until `text` shows: the audit trail is written from the table's stream, a moment later. */
export async function reloadUntil(page: Page, text: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await page.getByText(text, { exact: false }).first().waitFor({ timeout: 1_500 });
      return;
    } catch (error) {
      if (attempt >= 10) throw error;
      await page.reload();
    }
  }
}
