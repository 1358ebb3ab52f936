import { type ApiClient, apiClient } from './client';
import { drainEvents, useTestApp } from './setup/test-app';

/**
 * The generated TypeScript client (openapi-typescript types + openapi-fetch) against the real
 * server on a real port. Types come from the committed openapi.json; every answer is checked
 * against the document the server serves, so a schema that lies breaks this test.
 */
describe('Generated client (openapi-typescript + openapi-fetch)', () => {
  const t = useTestApp();
  let root: ApiClient;

  beforeAll(async () => {
    root = await apiClient(t, t.root);
  });

  it('manage: creates a project, then lists and gets it, with typed bodies', async () => {
    const created = await root.POST('/manage/projects', {
      body: { name: 'Client site', cors: ['https://client.example'], types: ['website'] },
    });
    expect(created.response.status).toBe(201);
    const project = created.data!.data;
    expect(project).toMatchObject({ name: 'Client site', cors: ['https://client.example'], types: ['website'] });
    expect(project.client.secret).toMatch(/^sec_/);

    const list = await root.GET('/manage/projects');
    expect(list.data!.data.map((p) => p.id)).toContain(project.id);

    const one = await root.GET('/manage/projects/{id}', { params: { path: { id: project.id } } });
    expect(one.data!.data.name).toBe('Client site');
  });

  it('errors come back typed in the error shape: 400 with details, 401, 404', async () => {
    const invalid = await root.POST('/manage/projects', { body: { name: '' } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toMatchObject({ status: 400, error: 'Bad Request' });
    expect(invalid.error!.details![0].path).toEqual(['name']);

    const anonymous = await apiClient(t);
    const refused = await anonymous.GET('/manage/projects');
    expect(refused.response.status).toBe(401);
    expect(refused.error!.status).toBe(401);

    const missing = await root.GET('/manage/projects/{id}', { params: { path: { id: 'no-such-project' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error!.message).toBe('Project not found');
  });

  it('track then export: an event sent with the write client is read back by the root client', async () => {
    const created = await root.POST('/manage/projects', { body: { name: 'Tracked site' } });
    const { id: projectId, client: writeClient } = created.data!.data;
    const writer = await apiClient(t, { id: writeClient.id, secret: writeClient.secret });

    const tracked = await writer.POST('/track', {
      body: { type: 'track', payload: { name: 'client_signup', properties: { plan: 'pro' } } },
    });
    expect(tracked.response.status).toBe(200);
    expect(tracked.data).toMatchObject({ deviceId: expect.any(String), sessionId: expect.any(String) });
    await drainEvents(t);

    const exported = await root.GET('/export/events', { params: { query: { projectId } } });
    expect(exported.response.status).toBe(200);
    expect(exported.data).toMatchObject({ data: [expect.objectContaining({ name: 'client_signup', projectId })] });
  });

  it('export charts and a capture route (Segment) through the same generated types', async () => {
    const created = await root.POST('/manage/projects', { body: { name: 'Charted site' } });
    const { id: projectId, client: writeClient } = created.data!.data;
    // The capture routes take their key from the wire format: Basic auth, the client id as
    // the write key and (server side) the secret as the password.
    const segment = await apiClient(t);
    const basic = `Basic ${Buffer.from(`${writeClient.id}:${writeClient.secret}`).toString('base64')}`;
    const sent = await segment.POST('/v1/track', {
      headers: {
        authorization: basic,
        'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      },
      body: { userId: 'user-42', event: 'Order Completed', properties: { total: 30 } },
    });
    expect(sent.response.status).toBe(200);
    await drainEvents(t);

    // `events`, `breakdowns` and `filters` are typed arrays of objects: the client passes them
    // as such and its query serialiser sends each as JSON.
    const chart = await root.GET('/export/charts', {
      params: { query: { projectId, events: [{ name: 'Order Completed', segment: 'event' }], interval: 'day', range: '7d' } },
    });
    expect(chart.response.status).toBe(200);
    expect(chart.data!.metrics.sum).toBe(1);
    expect(chart.data!.series[0].names).toEqual(['Order Completed']);

    const split = await root.GET('/export/charts', {
      params: {
        query: {
          projectId,
          events: [
            { id: 'orders', name: 'Order Completed', filters: [{ name: 'properties.total', operator: 'gte', value: ['30'] }] },
            { id: 'big', name: 'Order Completed', filters: [{ name: 'properties.total', operator: 'gt', value: ['30'] }] },
          ],
          breakdowns: [{ name: 'browser' }],
          range: '7d',
        },
      },
    });
    expect(split.response.status).toBe(200);
    expect(split.data!.series.map((s) => [s.event.id, s.names, s.metrics.sum])).toEqual([['orders', ['Order Completed', 'Safari'], 1]]);

    const events = await root.GET('/export/events', {
      params: { query: { projectId, filters: [{ name: 'properties.total', operator: 'is', value: ['30'] }], includes: ['profile'] } },
    });
    expect(events.response.status).toBe(200);
    // Typed as the JSON page, not as JSON-or-text.
    const page: { data: { name: string; profileId: string; profile?: unknown }[] } = events.data!;
    expect(page.data.map((e) => [e.name, e.profileId, 'profile' in e])).toEqual([['Order Completed', 'user-42', true]]);
    const none = await root.GET('/export/events', {
      params: { query: { projectId, filters: [{ name: 'properties.total', operator: 'is', value: ['31'] }] } },
    });
    expect(none.data!.data).toEqual([]);
  });

  it('legacy routes: the profile id and `ok` as text, the device id typed, through the generated client', async () => {
    const created = await root.POST('/manage/projects', { body: { name: 'Legacy SDK site' } });
    const { client: writeClient } = created.data!.data;
    const writer = await apiClient(t, { id: writeClient.id, secret: writeClient.secret });
    const ua = {
      'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    };

    const identified = await writer.POST('/profile', { headers: ua, body: { profileId: 'user-42', firstName: 'Ada' }, parseAs: 'text' });
    expect([identified.response.status, identified.data]).toEqual([202, 'user-42']);
    const incremented = await writer.POST('/profile/increment', {
      headers: ua,
      body: { profileId: 'user-42', property: 'logins', value: 1 },
      parseAs: 'text',
    });
    expect([incremented.response.status, incremented.data]).toEqual([202, 'user-42']);
    const missing = await writer.POST('/profile/decrement', { headers: ua, body: { profileId: 'nobody', property: 'logins', value: 1 } });
    expect(missing.response.status).toBe(404);
    expect(missing.error!.message).toBe('Profile not found');
    const event = await writer.POST('/event', {
      headers: ua,
      body: { name: 'legacy_client', properties: { plan: 'pro' } },
      parseAs: 'text',
    });
    expect([event.response.status, event.data]).toEqual([202, 'ok']);

    const device = await writer.GET('/track/device-id', { headers: ua });
    expect(device.response.status).toBe(200);
    expect(device.data).toEqual({
      deviceId: expect.any(String),
      sessionId: expect.any(String),
      message: 'current session exists for this device id',
    });
  });
});
