import { type Browser, chromium, type Page } from 'playwright-core';
import { listen } from './client';
import { CHROMIUM_INSTALL_TIMEOUT_MS, ensureChromium } from './setup/chromium';
import { createProject } from './setup/fixtures';
import { createTestApp, disposeEnv, type TestApp } from './setup/test-app';

/**
 * Swagger UI as an admin uses it: Debian's Chromium (driven by playwright-core) loads /docs
 * from the real server on a real port, authorizes with a root client, runs a request with
 * "Try it out", reads the answer on the page, reloads and finds the authorization kept.
 */
describe('Swagger UI at /docs in a browser', () => {
  let skip: string | undefined;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    const found = await ensureChromium();
    if ('skip' in found) {
      skip = found.skip;
      process.stdout.write(`browser-docs: skipped, ${skip}\n`);
      return;
    }
    t = await createTestApp();
    await createProject(t, { name: 'Browser site' });
    base = await listen(t);
    browser = await chromium.launch({ executablePath: found.path, headless: true });
    page = await browser.newPage();
  }, CHROMIUM_INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    if (t) {
      await t.close();
      await disposeEnv(t.env);
    }
  });

  /** The listProjects operation, expanded, its request executed; returns the status shown. */
  async function runListProjects(): Promise<{ status: string; body: string }> {
    const operation = page
      .locator('.opblock')
      .filter({ has: page.locator('.opblock-summary-operation-id', { hasText: /^listProjects$/ }) });
    if (!(await operation.locator('button.execute').isVisible())) await operation.locator('.opblock-summary-control').click();
    // A previous answer is cleared first, so the one read below is this request's.
    const clear = operation.locator('button.btn-clear');
    if (await clear.isVisible()) await clear.click();
    await operation.locator('button.execute').click();
    const answer = operation.locator('.live-responses-table tbody .response').first();
    await answer.waitFor();
    return {
      status: (await answer.locator('.response-col_status').innerText()).trim(),
      body: await answer.locator('.response-col_description pre').first().innerText(),
    };
  }

  it('shows the title, version and quick start; runs a request before and after Authorize; keeps it across a reload', async () => {
    if (skip) return;
    await page.goto(`${base}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    expect(await page.title()).toBe('Analytics API docs');
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Analytics API (OpenPanel-compatible)');
    expect(await page.locator('.swagger-ui .info .version').first().innerText()).toContain('0.1.0');
    expect(await page.locator('.swagger-ui .info .description').innerText()).toContain('Quick start');

    const anonymous = await runListProjects();
    expect(anonymous.status).toBe('401');
    expect(JSON.parse(anonymous.body)).toMatchObject({ status: 401, error: 'Unauthorized' });

    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.waitFor();
    // The id and the secret share one form (swagger-ui-plugins.ts): one Authorize applies both.
    const form = dialog.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: /^clientId$/ }) });
    expect(await form.locator('h4 code').allInnerTexts()).toEqual(['clientId', 'clientSecret']);
    await form.locator('input').nth(0).fill(t.root.id);
    await form.locator('input').nth(1).fill(t.root.secret);
    await form.locator('button.authorize').click();
    await form.locator('button', { hasText: 'Logout' }).waitFor();
    await dialog.locator('button.btn-done').first().click();

    const authorized = await runListProjects();
    expect(authorized.status).toBe('200');
    expect(JSON.parse(authorized.body).data).toEqual([expect.objectContaining({ name: 'Browser site' })]);

    await page.reload();
    await page.locator('.swagger-ui .info .title').waitFor();
    expect(await page.evaluate<string | null>("localStorage.getItem('authorized')")).toContain(t.root.id);
    const afterReload = await runListProjects();
    expect(afterReload.status).toBe('200');
  });
});
