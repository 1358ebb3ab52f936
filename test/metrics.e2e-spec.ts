import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { parsePrometheus, type Sample, sampleValue } from './setup/prometheus';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';
import { USER_AGENTS } from './setup/stores';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('GET /metrics (Prometheus)', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let pub: Credentials;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Metrics' });
    pub = await createClient(t, { name: 'public sdk', mode: 'write', projectId: p.id, public: true });
  });

  async function scrape(): Promise<{ text: string; samples: Sample[]; types: Map<string, string> }> {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.body, ...parsePrometheus(res.body) };
  }

  /** What one action adds to the metric `name` with `labels`, between two scrapes. */
  async function delta(name: string, labels: Record<string, string>, action: () => Promise<unknown>): Promise<number> {
    const before = sampleValue((await scrape()).samples, name, labels);
    await action();
    return sampleValue((await scrape()).samples, name, labels) - before;
  }

  const track = (body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome, ...headers },
      payload: body as object,
    });
  const events = (source: string, outcome: string) => ({ source, outcome });

  it('parses as Prometheus text and carries the default process and Node metrics', async () => {
    const { types, samples } = await scrape();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(samples.some((s) => s.name === name)).toBe(true);
    }
    expect(types.get('nodejs_gc_duration_seconds')).toBe('histogram');
    expect(types.get('http_request_duration_seconds')).toBe('histogram');
    expect(types.get('ingest_events_total')).toBe('counter');
  });

  it('a /track counts one accepted openpanel event and an observation of route /track, status 200', async () => {
    const http = { method: 'POST', route: '/track', status_code: '200' };
    const before = (await scrape()).samples;
    expect((await track({ type: 'track', payload: { name: 'metered' } })).statusCode).toBe(200);
    const after = (await scrape()).samples;
    expect(
      sampleValue(after, 'ingest_events_total', events('openpanel', 'accepted')) -
        sampleValue(before, 'ingest_events_total', events('openpanel', 'accepted')),
    ).toBe(1);
    expect(
      sampleValue(after, 'http_request_duration_seconds_count', http) - sampleValue(before, 'http_request_duration_seconds_count', http),
    ).toBe(1);
    expect(sampleValue(after, 'http_request_duration_seconds_bucket', { ...http, le: '+Inf' })).toBe(
      sampleValue(after, 'http_request_duration_seconds_count', http),
    );
    expect(sampleValue(after, 'http_request_duration_seconds_sum', http)).toBeGreaterThan(0);
  });

  it('a retried id counts as a duplicate, not as a second accepted event', async () => {
    const body = { type: 'track', payload: { name: 'retried' } };
    const headers = { 'idempotency-key': `k-${Date.now()}` };
    await track(body, headers);
    const before = (await scrape()).samples;
    expect((await track(body, headers)).statusCode).toBe(200);
    const after = (await scrape()).samples;
    expect(
      sampleValue(after, 'ingest_events_total', events('openpanel', 'duplicate')) -
        sampleValue(before, 'ingest_events_total', events('openpanel', 'duplicate')),
    ).toBe(1);
    expect(sampleValue(after, 'ingest_events_total', events('openpanel', 'accepted'))).toBe(
      sampleValue(before, 'ingest_events_total', events('openpanel', 'accepted')),
    );
  });

  it('a bad body counts as a refused request (invalid), a bad batch item as a rejected event', async () => {
    const refused = { source: 'openpanel', reason: 'invalid' };
    expect(
      await delta('ingest_requests_refused_total', refused, async () =>
        expect((await track({ type: 'track', payload: {} })).statusCode).toBe(400),
      ),
    ).toBe(1);
    const batch = {
      items: [
        { type: 'track', payload: { name: 'ok' } },
        { type: 'track', payload: { name: 42 } },
      ],
    };
    const rejected = await delta('ingest_events_total', events('openpanel', 'rejected'), async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track/batch',
        headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome },
        payload: batch,
      });
      expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    });
    expect(rejected).toBe(1);
  });

  it('a wrong secret counts as a refused request (unauthorized), by source', async () => {
    const wrong = { 'openpanel-client-id': p.writeClient.id, 'openpanel-client-secret': `sec_${'0'.repeat(40)}` };
    const refused = { source: 'openpanel', reason: 'unauthorized' };
    expect(
      await delta('ingest_requests_refused_total', refused, async () =>
        expect((await track({ type: 'track', payload: { name: 'nope' } }, wrong)).statusCode).toBe(401),
      ),
    ).toBe(1);
    const posthog = { source: 'posthog', reason: 'unauthorized' };
    const capture = () =>
      t.app.inject({
        method: 'POST',
        url: '/batch/',
        headers: { 'content-type': 'application/json' },
        payload: { api_key: `${p.writeClient.id}:sec_${'0'.repeat(40)}`, batch: [{ event: 'nope', distinct_id: 'u' }] },
      });
    expect(await delta('ingest_requests_refused_total', posthog, async () => expect((await capture()).statusCode).toBe(401))).toBe(1);
  });

  it("a bot's user agent from a sender without secret counts under bots", async () => {
    const headers = { 'openpanel-client-id': pub.id, 'openpanel-client-secret': '', 'user-agent': GOOGLEBOT };
    expect(
      await delta('ingest_events_total', events('openpanel', 'bot'), async () =>
        expect((await track({ type: 'track', payload: { name: 'crawl' } }, headers)).statusCode).toBe(202),
      ),
    ).toBe(1);
  });

  it('a PostHog capture counts under source posthog (and not under openpanel)', async () => {
    const before = (await scrape()).samples;
    const res = await t.app.inject({
      method: 'POST',
      url: '/i/v0/e/',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome },
      payload: JSON.stringify({
        api_key: pub.id,
        batch: [
          { event: 'a', distinct_id: 'u1' },
          { event: 'b', distinct_id: 'u1' },
        ],
      }),
    });
    expect(res.statusCode).toBe(200);
    const after = (await scrape()).samples;
    const diff = (source: string) =>
      sampleValue(after, 'ingest_events_total', events(source, 'accepted')) -
      sampleValue(before, 'ingest_events_total', events(source, 'accepted'));
    expect([diff('posthog'), diff('openpanel')]).toEqual([2, 0]);
    expect(
      sampleValue(after, 'http_request_duration_seconds_count', { method: 'POST', route: '/i/v0/e/', status_code: '200' }),
    ).toBeGreaterThan(0);
  });

  it('Segment and Commanders Act count under their own sources', async () => {
    const segment = await delta('ingest_events_total', events('segment', 'accepted'), async () => {
      const auth = `Basic ${Buffer.from(`${pub.id}:`).toString('base64')}`;
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { 'content-type': 'application/json', authorization: auth },
        payload: { userId: 'u1', event: 'Signed Up' },
      });
      expect(res.statusCode).toBe(200);
    });
    expect(segment).toBe(1);
    const commandersAct = await delta('ingest_events_total', events('commanders_act', 'accepted'), async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/events?tc_s=1&token=${pub.id}`,
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome },
        payload: { event_name: 'purchase', user: { id: 'u1' } },
      });
      expect(res.statusCode).toBe(200);
    });
    expect(commandersAct).toBe(1);
  });

  it('an unknown URL is labelled "unmatched", never by its path', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/no/such/abc123' })).statusCode).toBe(404);
    const { text, samples } = await scrape();
    expect(text).not.toContain('abc123');
    expect(
      sampleValue(samples, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('labels routes by their pattern, not by the id in the URL', async () => {
    const probe = await createProject(t, { name: 'Label probe xq7' });
    const res = await t.app.inject({ method: 'GET', url: `/manage/projects/${probe.id}`, headers: authHeaders(t.root) });
    expect(res.statusCode).toBe(200);
    const { text, samples } = await scrape();
    expect(text).not.toContain('xq7');
    expect(
      sampleValue(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/manage/projects/:id', status_code: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('after a stored event: the writer inserted rows, timed its inserts and fsyncs, and its buffer is empty again', async () => {
    await track({ type: 'track', payload: { name: 'flushed' } });
    await drainEvents(t);
    const { samples } = await scrape();
    const table = { table: 'events' };
    expect(sampleValue(samples, 'clickhouse_insert_rows_total', table)).toBeGreaterThan(0);
    expect(sampleValue(samples, 'clickhouse_insert_duration_seconds_count', table)).toBeGreaterThan(0);
    expect(sampleValue(samples, 'clickhouse_insert_duration_seconds_sum', table)).toBeGreaterThan(0);
    expect(sampleValue(samples, 'clickhouse_insert_failures_total', table)).toBe(0);
    expect(sampleValue(samples, 'ingest_wal_fsync_duration_seconds_count', table)).toBeGreaterThan(0);
    expect(sampleValue(samples, 'ingest_writer_buffered_rows', table)).toBe(0);
    expect(samples.some((s) => s.name === 'ingest_wal_bytes' && s.labels.table === 'events')).toBe(true);
  });

  it('times the ClickHouse statements of /export/events and /export/charts by statement', async () => {
    const headers = authHeaders(t.root);
    const list = await t.app.inject({ method: 'GET', url: `/export/events?projectId=${p.id}`, headers });
    expect(list.statusCode).toBe(200);
    const chart = await t.app.inject({
      method: 'GET',
      url: `/export/charts?${new URLSearchParams({ projectId: p.id, events: JSON.stringify([{ name: 'metered' }]), interval: 'day', range: '7d' })}`,
      headers,
    });
    expect(chart.statusCode).toBe(200);
    const { samples } = await scrape();
    for (const query of ['events_page', 'events_count', 'chart']) {
      expect(sampleValue(samples, 'clickhouse_query_duration_seconds_count', { query, outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('GET /metrics with METRICS_TOKEN (and a small ingestion buffer)', () => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  const t = useTestApp({ METRICS_TOKEN: TOKEN, INGEST_BUFFER_ROWS: '100' });

  const scrape = (headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: '/metrics', headers });

  it('refuses a scrape without the bearer token, or with a wrong one, in the API error shape', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789abcdef' },
      { authorization: `Basic ${TOKEN}` },
      { authorization: `Bearer ${TOKEN}x` },
    ];
    for (const headers of attempts) {
      const res = await scrape(headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'Metrics: a valid bearer token is required' });
    }
  });

  it('answers the right token', async () => {
    const res = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(res.statusCode).toBe(200);
    expect(parsePrometheus(res.body).samples.length).toBeGreaterThan(0);
  });

  it('a 503 of a full buffer counts as a refused request (unavailable) and no event', async () => {
    const p = await createProject(t, { name: 'Saturated' });
    const items = Array.from({ length: 101 }, () => ({ type: 'track', payload: { name: 'flood' } }));
    const res = await t.app.inject({
      method: 'POST',
      url: '/track/batch',
      headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome },
      payload: { items },
    });
    expect(res.statusCode).toBe(503);
    const { samples } = parsePrometheus((await scrape({ authorization: `Bearer ${TOKEN}` })).body);
    expect(sampleValue(samples, 'ingest_requests_refused_total', { source: 'openpanel', reason: 'unavailable' })).toBe(1);
    expect(sampleValue(samples, 'ingest_events_total', { source: 'openpanel', outcome: 'accepted' })).toBe(0);
    expect(sampleValue(samples, 'http_request_duration_seconds_count', { method: 'POST', route: '/track/batch', status_code: '503' })).toBe(
      1,
    );
  });
});
