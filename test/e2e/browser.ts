/**
 * Browser journeys: the real application on a loopback port, Debian's chromium driven by
 * playwright-core (headless, fresh profile, no background traffic), pages checked by axe.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { buildTestDeps } from '../test-app.js';
import { openTestSession } from '../factories.js';
import { buildApp } from '../../src/http/app.js';
import { freePort } from '../../src/db/embedded.js';
import type { Deps } from '../../src/deps.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RunningApp {
  url: string;
  deps: Deps;
  app: FastifyInstance;
  stop(): Promise<void>;
}

export async function startServer(): Promise<RunningApp> {
  const port = await freePort();
  const deps = buildTestDeps({ env: { PORT: String(port), BASE_URL: `http://localhost:${port}` } });
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port });
  return {
    url: `http://localhost:${port}`,
    deps,
    app,
    stop: async () => {
      await app.close();
      await deps.db.destroy();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** A page in a browser with no cookie left by an earlier journey, its console errors collected (but the statuses `expected` names). */
  cleanPage(expected?: RegExp): Promise<Page>;
  /** Console errors of clean pages: a CSP refusal, a missing asset, a script error. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'habilis-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'fr-FR',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const consoleErrors: string[] = [];
  return {
    context,
    consoleErrors,
    newPage: () => context.newPage(),
    cleanPage: async (expected = /status of (400|401|403|409|429)\b/) => {
      await context.clearCookies();
      const page = await context.newPage();
      page.on('console', (message) => {
        // Refused forms are pages answered 4xx on purpose; anything else is a defect.
        if (message.type() === 'error' && !expected.test(message.text())) consoleErrors.push(message.text());
      });
      return page;
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A clean page signed in as the account, by a session opened in the database (the login is tested elsewhere). */
export async function signedInPage(browser: Browser, server: RunningApp, accountId: number, expected?: RegExp): Promise<Page> {
  const page = await browser.cleanPage(expected);
  const [name, value] = (await openTestSession(server.deps.db, accountId)).split('=') as [string, string];
  await browser.context.addCookies([{ name, value, url: server.url }]);
  return page;
}

/** The page has no WCAG 2.1 A/AA violation. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

/** WCAG 2.1 A and AA rules; returns the violations as short readable lines (empty when compliant). */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
