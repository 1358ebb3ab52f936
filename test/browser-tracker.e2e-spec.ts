import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { listen } from './client';
import { CHROMIUM_INSTALL_TIMEOUT_MS, ensureChromium } from './setup/chromium';
import { createProject, type CreatedProject } from './setup/fixtures';
import { storedEvents, storedProfile, USER_AGENTS } from './setup/stores';
import { createTestApp, disposeEnv, type TestApp } from './setup/test-app';

/** OpenPanel's browser tracker, as sites load it from a script tag. */
// The package exports only its module entry, so the script is read from its folder.
const TRACKER = readFileSync(join(__dirname, '../node_modules/@openpanel/web/dist/src/tracker.global.js'), 'utf8');

function page(apiUrl: string, clientId: string): string {
  const init = JSON.stringify({ apiUrl, clientId, trackScreenViews: true });
  return `<!doctype html><html><head><title>Shop</title><script>
    window.op = window.op || function (...args) { (window.op.q = window.op.q || []).push(args); };
    window.op('init', ${init});
    window.op('track', 'signup_clicked', { plan: 'pro' });
    window.op('identify', { profileId: 'browser-user-1', firstName: 'Ada', email: 'ada@example.com' });
  </script><script src="/op1.js" defer></script></head><body>shop</body></html>`;
}

/**
 * D11: a site on its own origin runs @openpanel/web's tracker script in Chromium against the
 * API on another origin with a write client and no secret (the project's CORS list admits the
 * site): preflights are answered, the browser may read the answers, and the screen view, the
 * event and the identify are stored.
 */
describe('OpenPanel web tracker from another origin (CORS)', () => {
  let skip: string | undefined;
  let t: TestApp;
  let site: CreatedProject;
  let browser: Browser;
  let server: Server;
  let siteUrl: string;

  beforeAll(async () => {
    const found = await ensureChromium();
    if ('skip' in found) {
      skip = found.skip;
      process.stdout.write(`browser-tracker: skipped, ${skip}\n`);
      return;
    }
    t = await createTestApp();
    const api = await listen(t);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sitePort = (server.address() as AddressInfo).port;
    // localhost and 127.0.0.1 are different origins to the browser.
    siteUrl = `http://localhost:${sitePort}`;
    site = await createProject(t, { name: 'Browser shop', cors: [`localhost:${sitePort}`] });
    const html = page(api, site.writeClient.id);
    server.on('request', (req, res) => {
      if (req.url === '/op1.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(TRACKER);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    browser = await chromium.launch({
      executablePath: found.path,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, CHROMIUM_INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (t) {
      await t.close();
      await disposeEnv(t.env);
    }
  });

  it('stores the screen view, the event and the identify the page sends', async () => {
    if (skip) return;
    // Headless Chromium names itself in its user agent, which the bot filter refuses.
    const context = await browser.newContext({ userAgent: USER_AGENTS.chrome });
    const tab = await context.newPage();
    const failed: string[] = [];
    const answers: { url: string; status: number; allowOrigin?: string }[] = [];
    tab.on('requestfailed', (r) => failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    tab.on('response', (r) => {
      if (r.url().endsWith('/track'))
        answers.push({ url: r.url(), status: r.status(), allowOrigin: r.headers()['access-control-allow-origin'] });
    });
    await tab.goto(siteUrl);

    let names: string[] = [];
    // The page's three calls answer in any order: wait for the answers too, not only the events.
    const answered = () => answers.filter((a) => a.status === 200).length >= 3;
    for (let i = 0; i < 100 && !(names.includes('screen_view') && names.includes('signup_clicked') && answered()); i++) {
      await new Promise((r) => setTimeout(r, 100));
      names = (await storedEvents(t, site.id)).map((e) => e.name);
    }
    expect(failed).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['screen_view', 'signup_clicked']));
    const posts = answers.filter((a) => a.status === 200);
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const a of posts) expect(a.allowOrigin).toBe(siteUrl);

    const [view] = await storedEvents(t, site.id, `name = 'screen_view'`);
    expect(view).toMatchObject({ origin: siteUrl, path: '/', sdk_name: 'web', browser: 'Chrome' });
    const [click] = await storedEvents(t, site.id, `name = 'signup_clicked'`);
    expect(click.properties).toMatchObject({ plan: 'pro' });
    expect(await storedProfile(t, site.id, 'browser-user-1')).toMatchObject({ first_name: 'Ada', email: 'ada@example.com' });
    await context.close();
  });
});
