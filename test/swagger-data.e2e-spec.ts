import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { listen } from './client';
import { CHROMIUM_INSTALL_TIMEOUT_MS, ensureChromium } from './setup/chromium';
import { createClient, createProject } from './setup/fixtures';
import { authHeaders, type Credentials, createTestApp, disposeEnv, drainEvents, type TestApp } from './setup/test-app';

/**
 * Swagger UI reads data as a newcomer would use it (issue 15): Debian's Chromium authorizes
 * once with a read client's id and secret, then runs "Try it out" on GET /export/events and
 * GET /export/charts with only the project id typed in, and finds the events tracked before.
 */
describe("Swagger UI reads a project's data with only the project id typed in", () => {
  let skip: string | undefined;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let projectId: string;
  let reader: Credentials;
  const SHOTS = process.env.SWAGGER_SHOTS;

  beforeAll(async () => {
    const found = await ensureChromium();
    if ('skip' in found) {
      skip = found.skip;
      process.stdout.write(`swagger-data: skipped, ${skip}\n`);
      return;
    }
    t = await createTestApp();
    const project = await createProject(t, { name: 'Swagger data site' });
    projectId = project.id;
    reader = await createClient(t, { name: 'swagger reader', mode: 'read', projectId });
    // Tracked through HTTP with the project's write client, as an SDK would.
    for (const name of ['screen_view', 'screen_view', 'screen_view', 'button_click', 'button_click']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: authHeaders(project.writeClient),
        payload: { type: 'track', payload: { name, properties: { path: '/home' } } },
      });
      expect(res.statusCode).toBe(200);
    }
    await drainEvents(t);
    base = await listen(t);
    browser = await chromium.launch({ executablePath: found.path, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, CHROMIUM_INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    if (t) {
      await t.close();
      await disposeEnv(t.env);
    }
  });

  async function shot(name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
  }

  function operation(operationId: string): Locator {
    return page
      .locator('.opblock')
      .filter({ has: page.locator('.opblock-summary-operation-id', { hasText: new RegExp(`^${operationId}$`) }) });
  }

  /** Expands the operation (Try it out is on by default) and types the project id only. */
  async function open(operationId: string): Promise<Locator> {
    const op = operation(operationId);
    if (!(await op.locator('button.execute').isVisible())) await op.locator('.opblock-summary-control').click();
    await op.locator('tr[data-param-name="projectId"] input').fill(projectId);
    return op;
  }

  async function execute(op: Locator): Promise<{ status: string; body: string; url: string }> {
    const clear = op.locator('button.btn-clear');
    if (await clear.isVisible()) await clear.click();
    await op.locator('button.execute').click();
    const answer = op.locator('.live-responses-table tbody .response').first();
    await answer.waitFor();
    return {
      status: (await answer.locator('.response-col_status').innerText()).trim(),
      body: await answer.locator('.response-col_description pre').first().innerText(),
      url: await op.locator('.request-url pre').innerText(),
    };
  }

  it("authorizes once with the OpenPanel pair, then both export routes answer the project's data", async () => {
    if (skip) return;
    await page.goto(`${base}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();

    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.waitFor();
    await shot('01-authorize-dialog');
    // One form: the id and the secret side by side, one Authorize button applying both.
    const forms = dialog.locator('.auth-container');
    expect(await forms.count()).toBe(1);
    expect(await forms.locator('h4 code').allInnerTexts()).toEqual(['clientId', 'clientSecret']);
    await forms.locator('input').nth(0).fill(reader.id);
    await forms.locator('input').nth(1).fill(reader.secret);
    await shot('02-authorize-filled');
    expect(await forms.locator('button.authorize').count()).toBe(1);
    await forms.locator('button.authorize').click();
    await forms.locator('button', { hasText: 'Logout' }).waitFor();
    await shot('03-authorized');
    await dialog.locator('button.btn-done').first().click();
    const kept = JSON.parse((await page.evaluate<string | null>("localStorage.getItem('authorized')")) ?? '{}');
    expect(Object.keys(kept).sort()).toEqual(['clientId', 'clientSecret']);

    const events = await open('exportEvents');
    await shot('04-events-form');
    const listed = await execute(events);
    await shot('05-events-answer');
    expect(listed.status).toBe('200');
    // Nothing but the project and harmless defaults is sent: no profile, dates or filters.
    expect([...new URL(listed.url).searchParams.keys()].sort()).toEqual(['includes', 'includes', 'limit', 'page', 'projectId']);
    const page1 = JSON.parse(listed.body);
    expect(page1.meta.totalCount).toBe(5);
    expect(page1.data.map((e: { name: string }) => e.name).sort()).toEqual([
      'button_click',
      'button_click',
      'screen_view',
      'screen_view',
      'screen_view',
    ]);

    const charts = await open('exportCharts');
    await shot('06-charts-form');
    const charted = await execute(charts);
    await shot('07-charts-answer');
    expect(charted.status).toBe('200');
    expect(new URL(charted.url).searchParams.getAll('events')).toEqual(['{"name":"screen_view","segment":"event"}']);
    for (const absent of ['series', 'breakdowns', 'startDate', 'endDate'])
      expect(new URL(charted.url).searchParams.has(absent)).toBe(false);
    const chart = JSON.parse(charted.body);
    expect(chart.series.map((s: { names: string[] }) => s.names)).toEqual([['screen_view']]);
    expect(chart.metrics.sum).toBe(3);

    // The page says which client each route needs, and a capture route's lock offers its own key.
    const track = operation('trackEvent');
    await track.locator('.opblock-summary-control').click();
    expect(await track.locator('.opblock-description-wrapper').first().innerText()).toContain(
      'The organisation-wide root client has no project to send events to',
    );
    await operation('segmentTrack').locator('button.authorization__btn').click();
    await page.locator('.modal-ux .auth-container').first().waitFor();
    await shot('09-segment-lock');
    const segmentDialog = await page.locator('.modal-ux').innerText();
    expect(segmentDialog).toContain('segmentWriteKey');
    expect(segmentDialog).not.toContain('clientSecret');
    await page.locator('.modal-ux button.btn-done').first().click();

    // A whole JSON array typed into the box, as the description offers, is read as the list.
    await charts
      .locator('tr[data-param-name="events"] textarea')
      .first()
      .fill('[{"name":"button_click"},{"name":"screen_view","segment":"event"}]');
    const typed = await execute(charts);
    await shot('08-charts-typed-array');
    expect(typed.status).toBe('200');
    expect(JSON.parse(typed.body).series.map((s: { names: string[]; metrics: { sum: number } }) => [s.names[0], s.metrics.sum])).toEqual([
      ['button_click', 2],
      ['screen_view', 3],
    ]);
  });
});
