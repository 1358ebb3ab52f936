import { OpenPanel } from '@openpanel/sdk';
import { DataSource } from 'typeorm';
import { ClickhouseService } from '@app/clickhouse';
import { createProject, type CreatedProject } from './setup/fixtures';
import { drainEvents, useTestApp } from './setup/test-app';

/** The official OpenPanel SDK, unchanged, against a running server. */
describe('@openpanel/sdk against this server', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let op: OpenPanel;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Sdk' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    op = new OpenPanel({ clientId: p.writeClient.id, clientSecret: p.writeClient.secret, apiUrl: `http://127.0.0.1:${port}` });
  });

  it('track, identify, increment and decrement take effect', async () => {
    const identified = await op.identify({
      profileId: 'sdk-user',
      firstName: 'Grace',
      email: 'grace@example.com',
      properties: { logins: 1 },
    });
    expect(identified).toEqual({ deviceId: expect.any(String), sessionId: '' });
    const tracked = await op.track('sdk_event', { plan: 'pro', nested: { a: 1 } });
    expect(tracked).toEqual({ deviceId: expect.stringMatching(/^[0-9a-f]{64}$/), sessionId: '' });
    await op.increment({ profileId: 'sdk-user', property: 'logins', value: 5 });
    await op.decrement({ profileId: 'sdk-user', property: 'logins' });

    const [profile] = await t.app
      .get(DataSource)
      .query(`SELECT first_name, email, properties FROM profiles WHERE project_id = $1 AND id = 'sdk-user'`, [p.id]);
    expect(profile).toEqual({ first_name: 'Grace', email: 'grace@example.com', properties: { logins: 5 } });

    await drainEvents(t);
    const ch = t.app.get(ClickhouseService);
    const rs = await ch.client.query({
      query: `SELECT name, profile_id, sdk_name, properties FROM ${ch.table('events')} WHERE project_id = {p:String}`,
      query_params: { p: p.id },
      format: 'JSONEachRow',
    });
    // The SDK remembers the identified profile and attaches it to later events.
    expect(await rs.json()).toEqual([
      { name: 'sdk_event', profile_id: 'sdk-user', sdk_name: 'node', properties: { plan: 'pro', 'nested.a': '1' } },
    ]);
  });

  it('the options a user sets: apiUrl, clientId, clientSecret, global properties, profileId, filter, disabled (then ready)', async () => {
    const { port } = t.app.getHttpServer().address() as { port: number };
    const options = { clientId: p.writeClient.id, clientSecret: p.writeClient.secret, apiUrl: `http://127.0.0.1:${port}` };
    // filter: a payload it refuses is never sent.
    const sdk = new OpenPanel({ ...options, filter: (payload) => !(payload.type === 'track' && payload.payload.name === 'opt_filtered') });
    sdk.setGlobalProperties({ app_version: '2.4.0', env: 'test' });
    await sdk.identify({ profileId: 'opt-user' });
    await sdk.track('opt_tracked', { plan: 'team' });
    await sdk.track('opt_filtered');
    // disabled: events wait in the queue until ready().
    const later = new OpenPanel({ ...options, disabled: true });
    void later.track('opt_queued');
    await drainEvents(t);
    const ch = t.app.get(ClickhouseService);
    const names = async () => {
      await drainEvents(t);
      const rs = await ch.client.query({
        query: `SELECT name, profile_id, properties FROM ${ch.table('events')} WHERE project_id = {p:String} AND startsWith(name, 'opt_') ORDER BY name`,
        query_params: { p: p.id },
        format: 'JSONEachRow',
      });
      return rs.json<{ name: string; profile_id: string; properties: Record<string, string> }>();
    };
    expect(await names()).toEqual([
      { name: 'opt_tracked', profile_id: 'opt-user', properties: { app_version: '2.4.0', env: 'test', plan: 'team' } },
    ]);
    later.ready();
    for (let i = 0; i < 50 && (await names()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await names()).map((r) => r.name)).toEqual(['opt_queued', 'opt_tracked']);
  });
});
