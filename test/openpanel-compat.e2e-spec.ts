import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listen } from './client';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const run = promisify(execFile);
const SEEDS = join(__dirname, '..', '..', 'shared', 'seeds');
const GERMANY = '217.160.0.1';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

interface SeedExample {
  seed: string;
  code: string;
}

/** Every `curl` block of the seed documents, in their order. */
function seedExamples(): SeedExample[] {
  const out: SeedExample[] = [];
  for (const file of readdirSync(SEEDS).sort()) {
    const text = readFileSync(join(SEEDS, file), 'utf8');
    for (const m of text.matchAll(/^```bash\n([\s\S]*?)^```$/gm))
      if (/^curl /m.test(m[1])) out.push({ seed: file.slice(0, 3), code: m[1] });
  }
  return out;
}

/**
 * OpenPanel's wire contract as its own documents and clients use it (issue 21): the seeds'
 * curl examples run as written, and the parameters OpenPanel accepts beyond them.
 */
describe('OpenPanel wire compatibility', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '1000', EXPORT_RATE_LIMIT: '1000' });
  let p: CreatedProject;
  let reader: Credentials;
  let base: string;

  const track = (items: object[]) =>
    t.app.inject({
      method: 'POST',
      url: '/track/batch',
      headers: { ...authHeaders(p.writeClient), 'x-client-ip': GERMANY, 'user-agent': CHROME },
      payload: { items },
    });
  const exportEvents = (query: string) =>
    t.app.inject({ method: 'GET', url: `/export/events?projectId=${p.id}&${query}`, headers: authHeaders(reader) });

  beforeAll(async () => {
    p = await createProject(t, { name: 'Compat' });
    reader = await createClient(t, { name: 'compat reader', mode: 'read', projectId: p.id });
    base = await listen(t);
    const res = await track([
      {
        type: 'track',
        payload: { name: 'screen_view', properties: { __path: 'https://example.com/dashboard', __timestamp: '2024-04-16T10:30:00.000Z' } },
      },
      { type: 'track', payload: { name: 'screen_view', properties: { __path: 'https://example.com/pricing' } } },
      { type: 'track', payload: { name: 'purchase', properties: { total: 49 } } },
    ]);
    expect(res.json()).toMatchObject({ accepted: 3 });
    await drainEvents(t);
  });

  describe("the seeds' curl examples, as written", () => {
    let reference: string;

    beforeAll(async () => {
      // The ids the examples name, made here: a profile for the increment, a reference to read.
      const identify = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: authHeaders(p.writeClient),
        payload: { type: 'identify', payload: { profileId: '1', properties: { visits: 3 } } },
      });
      expect(identify.statusCode).toBe(200);
      const ref = await t.app.inject({
        method: 'POST',
        url: '/manage/references',
        headers: authHeaders(t.root),
        payload: { projectId: p.id, title: 'Fixture', datetime: '2024-01-15T10:00:00.000Z' },
      });
      expect(ref.statusCode).toBe(201);
      reference = ref.json().data.id;
    });

    /** The example with OpenPanel's host and the placeholder ids swapped for this server's. */
    function filled(example: SeedExample): string {
      // Track examples need a write client, export ones a read client, manage ones root.
      const client = example.seed === '000' ? p.writeClient : reader;
      return example.code
        .replaceAll('https://api.openpanel.dev', base)
        .replaceAll('YOUR_ROOT_CLIENT_ID', t.root.id)
        .replaceAll('YOUR_ROOT_CLIENT_SECRET', t.root.secret)
        .replaceAll('YOUR_CLIENT_ID', client.id)
        .replaceAll('YOUR_CLIENT_SECRET', client.secret)
        .replaceAll('abc123', p.id)
        .replaceAll('my-project', p.id)
        .replaceAll('1af09627-2dd7-4b37-9e5c-6ffa7e450e85', reference);
    }

    it('finds them: track, identify, increment, decrement; events and charts; references', () => {
      const bySeed = seedExamples().reduce<Record<string, number>>((n, e) => ({ ...n, [e.seed]: (n[e.seed] ?? 0) + 1 }), {});
      expect(bySeed).toEqual({ '000': 4, '001': 3, '003': 5 });
    });

    it('each answers 2xx with the fields the seeds document', async () => {
      const answers: unknown[] = [];
      for (const example of seedExamples()) {
        // curl reads `[` and `{` in a URL as its own globbing, so OpenPanel's chart example
        // fails in curl itself before any request; --globoff sends the URL as written.
        const script = `curl() { command curl --globoff -sS --fail-with-body "$@"; }\n${filled(example)}`;
        let stdout: string;
        try {
          ({ stdout } = await run('bash', ['-c', script], { timeout: 60_000 }));
        } catch (e) {
          throw new Error(
            `seed ${example.seed} example failed:\n${example.code}\n${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`,
            { cause: e },
          );
        }
        // Some blocks hold two requests: each answer is one JSON document.
        for (const doc of stdout.replace(/}\s*{/g, '}\n\u0000{').split('\n\u0000')) answers.push(JSON.parse(doc));
      }
      const [tracked, identified, incremented, decremented, events, chart, advanced, ...references] = answers as Record<string, unknown>[];
      for (const a of [tracked, identified, incremented, decremented])
        expect(a).toEqual({ deviceId: expect.any(String), sessionId: expect.any(String) });
      expect(events).toMatchObject({ meta: { count: 1, totalCount: 1, pages: 1, current: 1 } });
      const [event] = (events as { data: Record<string, unknown>[] }).data;
      for (const field of [
        'id',
        'name',
        'deviceId',
        'profileId',
        'projectId',
        'sessionId',
        'properties',
        'createdAt',
        'country',
        'city',
        'region',
        'os',
        'browser',
        'device',
        'duration',
        'path',
        'origin',
        'profile',
        'meta',
      ]) {
        expect(event).toHaveProperty(field);
      }
      expect(event).toMatchObject({ name: 'screen_view', path: '/dashboard', country: 'Germany', createdAt: '2024-04-16T10:30:00.000Z' });
      for (const c of [chart, advanced]) {
        expect(c).toMatchObject({
          series: expect.any(Array),
          metrics: { sum: expect.any(Number), average: expect.any(Number), min: expect.any(Number), max: expect.any(Number) },
        });
        const [series] = (c as { series: Record<string, unknown>[] }).series;
        expect(series).toMatchObject({
          id: expect.any(String),
          names: expect.any(Array),
          event: { name: expect.any(String) },
          metrics: expect.any(Object),
          data: expect.any(Array),
        });
      }
      expect((chart as { series: { names: string[]; metrics: { sum: number; previous?: object } }[] }).series[0]).toMatchObject({
        names: ['screen_view', 'Germany'],
        metrics: { sum: 1, previous: expect.any(Object) },
      });
      expect((advanced as { series: { metrics: { sum: number } }[] }).series[0].metrics.sum).toBe(49);
      // List all, list by project, get one, create, update, delete.
      expect(references.map((r) => Object.keys(r).sort())).toEqual([['data'], ['data'], ['data'], ['data'], ['data'], ['success']]);
      expect((references[3] as { data: { title: string } }).data.title).toBe('Product Launch');
      expect((references[4] as { data: { title: string } }).data.title).toBe('Product Launch v2.1');
    });
  });

  // The seeds' examples have run by now: their `my_event` (sent from a server, so no country)
  // is the fourth event of the project.
  describe('parameters OpenPanel accepts beyond the seeds', () => {
    beforeAll(() => drainEvents(t));

    it('includes: the column keys OpenPanel needs to return a column are accepted (every column is always here), in JSON and streams; unknown keys still 400', async () => {
      const keys =
        'region,longitude,latitude,osVersion,browserVersion,device,brand,model,origin,referrer,referrerName,referrerType,importedAt,sdkName,sdkVersion,revenue,groups,properties';
      const page = await exportEvents(`includes=${keys},profile`);
      expect(page.statusCode).toBe(200);
      expect(page.json().data[0]).toMatchObject({
        region: expect.any(String),
        osVersion: expect.any(String),
        referrerType: expect.any(String),
        groups: expect.any(Array),
        importedAt: null,
      });
      const stream = await exportEvents(`format=ndjson&includes=${keys}`);
      expect(stream.statusCode).toBe(200);
      expect(stream.body.trim().split('\n')).toHaveLength(4);
      expect((await exportEvents('format=ndjson&includes=profile')).statusCode).toBe(400);
      expect((await exportEvents('includes=secrets')).statusCode).toBe(400);
    });

    it('country: filters take the ISO code OpenPanel stores there, or the name, in events and charts', async () => {
      const byCode = await exportEvents(
        `filters=${encodeURIComponent(JSON.stringify([{ name: 'country', operator: 'is', value: ['DE'] }]))}`,
      );
      expect(byCode.json().meta.totalCount).toBe(3);
      const byName = await exportEvents(
        `filters=${encodeURIComponent(JSON.stringify([{ name: 'country', operator: 'is', value: ['Germany'] }]))}`,
      );
      expect(byName.json().meta.totalCount).toBe(3);
      const notDe = await exportEvents(
        `filters=${encodeURIComponent(JSON.stringify([{ name: 'country', operator: 'isNot', value: ['de'] }]))}`,
      );
      expect(notDe.json().data.map((e: { name: string }) => e.name)).toEqual(['my_event']);
      const chart = await t.app.inject({
        method: 'GET',
        url: `/export/charts?projectId=${p.id}&range=30d&events=${encodeURIComponent(JSON.stringify([{ name: 'purchase', segment: 'event', filters: [{ name: 'country', operator: 'is', value: ['DE'] }] }]))}`,
        headers: authHeaders(reader),
      });
      expect(chart.json().series[0].metrics.sum).toBe(1);
    });

    it('numbers in the query are coerced as OpenPanel does (limit, page, a JSON filters string); ids that look like numbers stay text', async () => {
      const paged = await exportEvents('limit=1&page=2');
      expect(paged.statusCode).toBe(200);
      expect(paged.json().meta).toMatchObject({ count: 1, current: 2, pages: 4 });
      const profile = await exportEvents('profileId=123');
      expect(profile.statusCode).toBe(200);
      expect(profile.json().data).toEqual([]);
      // A project whose id looks like a number is found by it.
      const numeric = await createProject(t, { name: '2024' });
      expect(numeric.id).toBe('2024');
      const read = await t.app.inject({ method: 'GET', url: '/export/events?projectId=2024', headers: authHeaders(t.root) });
      expect(read.statusCode).toBe(200);
      expect(read.json().meta.totalCount).toBe(0);
    });
  });
});
