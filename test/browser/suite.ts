/**
 * A console test file's set-up, registered once: the integration context, the real stack and a
 * browser before all, closed after all. Read them from the answer inside tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { type IntegrationContext, integrationContext } from '../helpers.js';
import { type Browser, type ConsoleStack, launchBrowser, startConsoleStack } from './harness.js';

export function consoleSuite(): {
  readonly ctx: IntegrationContext;
  readonly stack: ConsoleStack;
  readonly browser: Browser;
} {
  const suite = {} as { ctx: IntegrationContext; stack: ConsoleStack; browser: Browser };
  beforeAll(async () => {
    suite.ctx = await integrationContext();
    [suite.stack, suite.browser] = await Promise.all([startConsoleStack(suite.ctx), launchBrowser()]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.stack?.stop();
    await suite.ctx?.close();
  });
  return suite;
}
