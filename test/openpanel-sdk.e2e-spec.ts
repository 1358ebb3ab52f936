import { OpenPanel } from '@openpanel/sdk';
import { DataSource } from 'typeorm';
import { ClickhouseService } from '@app/clickhouse';
import { createProject, type CreatedProject } from './setup/fixtures';
import { createTestApp, disposeEnv, drainEvents, type TestApp } from './setup/test-app';

/** The official OpenPanel SDK, unchanged, against a running server. */
describe('@openpanel/sdk against this server', () => {
  let t: TestApp;
  let p: CreatedProject;
  let op: OpenPanel;

  beforeAll(async () => {
    t = await createTestApp();
    p = await createProject(t, { name: 'Sdk' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    op = new OpenPanel({ clientId: p.writeClient.id, clientSecret: p.writeClient.secret, apiUrl: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await t.close();
    await disposeEnv(t.env);
  });

  it('track, identify, increment and decrement take effect', async () => {
    const identified = await op.identify({ profileId: 'sdk-user', firstName: 'Grace', email: 'grace@example.com', properties: { logins: 1 } });
    expect(identified).toEqual({ deviceId: expect.any(String), sessionId: '' });
    const tracked = await op.track('sdk_event', { plan: 'pro', nested: { a: 1 } });
    expect(tracked).toEqual({ deviceId: expect.stringMatching(/^[0-9a-f]{64}$/), sessionId: '' });
    await op.increment({ profileId: 'sdk-user', property: 'logins', value: 5 });
    await op.decrement({ profileId: 'sdk-user', property: 'logins' });

    const [profile] = await t.app.get(DataSource).query(`SELECT first_name, email, properties FROM profiles WHERE project_id = $1 AND id = 'sdk-user'`, [p.id]);
    expect(profile).toEqual({ first_name: 'Grace', email: 'grace@example.com', properties: { logins: 5 } });

    await drainEvents(t);
    const ch = t.app.get(ClickhouseService);
    const rs = await ch.client.query({
      query: `SELECT name, profile_id, sdk_name, properties FROM ${ch.table('events')} WHERE project_id = {p:String}`,
      query_params: { p: p.id },
      format: 'JSONEachRow',
    });
    // The SDK remembers the identified profile and attaches it to later events.
    expect(await rs.json()).toEqual([{ name: 'sdk_event', profile_id: 'sdk-user', sdk_name: 'node', properties: { plan: 'pro', 'nested.a': '1' } }]);
  });
});
