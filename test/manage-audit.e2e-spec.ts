import { DataSource } from 'typeorm';
import { ClientsService } from '../src/auth/clients.service';
import { createClient, createProject } from './setup/fixtures';
import { authHeaders, type Credentials, useTestApp } from './setup/test-app';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface AuditRow {
  id: string;
  time: string;
  organizationId: string;
  clientId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  projectId: string | null;
  changes: string[];
}

const MANAGE_401 = { status: 401, error: 'Unauthorized', message: 'Manage: Only root clients are allowed to manage resources' };

describe('Manage API: audit log (issue 19 §3, §5)', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '100000' });
  const call = (method: Method, url: string, payload?: object, as: Credentials = t.root) =>
    t.app.inject({ method, url, headers: authHeaders(as), ...(payload ? { payload } : {}) });

  /** The whole log as `as` sees it (one page of up to 1000), newest first. */
  async function log(query = '', as: Credentials = t.root): Promise<AuditRow[]> {
    const res = await call('GET', `/manage/audit?limit=1000${query}`, undefined, as);
    expect(res.statusCode).toBe(200);
    return res.json().data;
  }

  /** Runs `change` and answers the audit rows it added, with the raw log text (to look for secrets). */
  async function rowsOf(change: () => Promise<unknown>): Promise<{ rows: AuditRow[]; text: string }> {
    const before = new Set((await log()).map((r) => r.id));
    await change();
    const res = await call('GET', '/manage/audit?limit=1000');
    const rows = (res.json().data as AuditRow[]).filter((r) => !before.has(r.id));
    return { rows, text: res.body };
  }

  const entry = (action: string, targetType: string, targetId: string, projectId: string | null, changes: string[]) =>
    expect.objectContaining({ action, targetType, targetId, projectId, changes, organizationId: 'default', clientId: t.root.id });

  it('each change through /manage writes one row (action, target, project, changed fields) and never a secret', async () => {
    const secrets: string[] = [t.root.secret];
    let project = '';
    let firstClient = '';
    let r = await rowsOf(async () => {
      const res = await call('POST', '/manage/projects', { name: 'Audited', domain: 'https://a.example', cors: ['https://a.example'] });
      expect(res.statusCode).toBe(201);
      project = res.json().data.id;
      firstClient = res.json().data.client.id;
      secrets.push(res.json().data.client.secret);
    });
    // The project's first client is a creation of its own, in the same transaction.
    expect(r.rows).toHaveLength(2);
    expect(r.rows).toEqual(
      expect.arrayContaining([
        entry('project.create', 'project', project, project, ['name', 'domain', 'cors']),
        entry('client.create', 'client', firstClient, project, ['name', 'mode', 'projectId']),
      ]),
    );
    expect(new Set(r.rows.map((x) => x.time)).size).toBe(1);

    r = await rowsOf(() =>
      call('PATCH', `/manage/projects/${project}`, { name: 'Audited 2', domain: 'https://a.example', timezone: 'UTC' }),
    );
    expect(r.rows).toEqual([entry('project.update', 'project', project, project, ['name', 'timezone'])]);

    let reader = '';
    r = await rowsOf(async () => {
      const res = await call('POST', '/manage/clients', { name: 'reader', mode: 'read', projectId: project });
      reader = res.json().data.id;
      secrets.push(res.json().data.secret);
    });
    expect(r.rows).toEqual([entry('client.create', 'client', reader, project, ['name', 'mode', 'projectId'])]);
    r = await rowsOf(async () => {
      const res = await call('POST', '/manage/clients', { name: 'ops', mode: 'root' });
      secrets.push(res.json().data.secret);
      expect((await call('PATCH', `/manage/clients/${res.json().data.id}`, { name: 'ops 2' })).statusCode).toBe(200);
    });
    expect(r.rows.map((x) => [x.action, x.projectId, x.changes])).toEqual([
      ['client.update', null, ['name']],
      ['client.create', null, ['name', 'mode']],
    ]);
    r = await rowsOf(() => call('DELETE', `/manage/clients/${reader}`));
    expect(r.rows).toEqual([entry('client.delete', 'client', reader, project, [])]);

    let reference = '';
    r = await rowsOf(async () => {
      reference = (await call('POST', '/manage/references', { projectId: project, title: 'Launch', datetime: '2024-01-15' })).json().data
        .id;
    });
    expect(r.rows).toEqual([entry('reference.create', 'reference', reference, project, ['title', 'date'])]);
    r = await rowsOf(() => call('PATCH', `/manage/references/${reference}`, { title: 'Launch', description: 'v2' }));
    expect(r.rows).toEqual([entry('reference.update', 'reference', reference, project, ['description'])]);
    r = await rowsOf(() => call('DELETE', `/manage/references/${reference}`));
    expect(r.rows).toEqual([entry('reference.delete', 'reference', reference, project, [])]);

    r = await rowsOf(() => call('PUT', `/manage/event-meta/${project}/sign_up`, { description: 'An account' }));
    expect(r.rows).toEqual([entry('event_meta.create', 'event_meta', 'sign_up', project, ['description'])]);
    r = await rowsOf(() => call('PUT', `/manage/event-meta/${project}/sign_up`, { description: 'An account', conversion: true }));
    expect(r.rows).toEqual([entry('event_meta.update', 'event_meta', 'sign_up', project, ['conversion'])]);
    r = await rowsOf(() => call('DELETE', `/manage/event-meta/${project}/sign_up`));
    expect(r.rows).toEqual([entry('event_meta.delete', 'event_meta', 'sign_up', project, [])]);

    r = await rowsOf(() => call('DELETE', `/manage/projects/${project}`));
    expect(r.rows).toEqual([entry('project.delete', 'project', project, project, ['deleteAt'])]);
    // Restoring is an update of deleteAt.
    r = await rowsOf(() => call('PATCH', `/manage/projects/${project}`, {}));
    expect(r.rows).toEqual([entry('project.update', 'project', project, project, ['deleteAt'])]);

    // A refused change (404, 409, 400) writes nothing.
    r = await rowsOf(async () => {
      expect((await call('PATCH', '/manage/projects/no-such', { name: 'x' })).statusCode).toBe(404);
      expect((await call('DELETE', `/manage/clients/${t.root.id}`)).statusCode).toBe(409);
      expect((await call('DELETE', `/manage/event-meta/${project}/never`)).statusCode).toBe(404);
      expect((await call('POST', '/manage/references', { projectId: project, title: '' })).statusCode).toBe(400);
    });
    expect(r.rows).toEqual([]);

    for (const secret of secrets) expect(r.text).not.toContain(secret);
    expect(r.text).not.toMatch(/sec_[0-9a-f]|secretHash|secret_hash/);
    const stored = await t.app.get(DataSource).query(`SELECT array_to_string(changes, ',') AS c FROM audit_log`);
    for (const { c } of stored as { c: string }[]) expect(c).not.toMatch(/secret|hash/i);
  });

  it('a change whose audit row cannot be written is not made (one transaction), and commits with it once it can', async () => {
    const ds = t.app.get(DataSource);
    const project = (await createProject(t, { name: 'Refused' })).id;
    // A real failure inside the transaction: the database refuses the audit row of this project.
    await ds.query(`CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
    await ds.query(
      `CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_log FOR EACH ROW
       WHEN (NEW.project_id = '${project}' OR NEW.target_id LIKE 'doomed%') EXECUTE FUNCTION audit_refuse()`,
    );
    const before = (await log()).length;
    try {
      const attempts: Array<[Method, string, object?]> = [
        ['POST', '/manage/projects', { name: 'Doomed' }],
        ['PATCH', `/manage/projects/${project}`, { name: 'Renamed' }],
        ['DELETE', `/manage/projects/${project}`],
        ['POST', '/manage/clients', { name: 'more', projectId: project }],
        ['POST', '/manage/references', { projectId: project, title: 'Lost', datetime: '2024-01-15' }],
        ['PUT', `/manage/event-meta/${project}/lost`, { description: 'Lost' }],
      ];
      for (const [method, url, payload] of attempts) {
        const res = await call(method, url, payload);
        expect([method, url, res.statusCode]).toEqual([method, url, 500]);
      }
      const projects = (await call('GET', '/manage/projects')).json().data as { id: string; name: string }[];
      expect(projects.map((p) => p.id)).not.toContain('doomed');
      expect(projects.find((p) => p.id === project)).toMatchObject({ name: 'Refused', deleteAt: null });
      expect((await ds.query(`SELECT count(*)::int AS n FROM projects WHERE id LIKE 'doomed%'`))[0].n).toBe(0);
      expect((await call('GET', `/manage/clients?projectId=${project}`)).json().data).toHaveLength(1);
      expect((await call('GET', `/manage/references?projectId=${project}`)).json().data).toEqual([]);
      expect((await call('GET', `/manage/event-meta?projectId=${project}`)).json().data).toEqual([]);
      expect(await log()).toHaveLength(before);
    } finally {
      await ds.query('DROP TRIGGER audit_refuse ON audit_log');
      await ds.query('DROP FUNCTION audit_refuse()');
    }
    expect((await call('PATCH', `/manage/projects/${project}`, { name: 'Renamed' })).json().data.name).toBe('Renamed');
    const [last] = await log();
    expect(last).toMatchObject({ action: 'project.update', targetId: project, changes: ['name'] });
  });

  describe('listing', () => {
    let a: string;
    let b: string;
    beforeAll(async () => {
      a = (await createProject(t, { name: 'Paged A' })).id;
      b = (await createProject(t, { name: 'Paged B' })).id;
      for (let i = 0; i < 12; i++) {
        await call('PUT', `/manage/event-meta/${i % 2 ? a : b}/event_${i}`, { description: `d${i}` });
        await call('POST', '/manage/references', { projectId: i % 3 ? a : b, title: `r${i}`, datetime: '2024-01-15' });
      }
    });

    it('newest first; cursor pages return every row exactly once, in the same order, and the last page has no cursor', async () => {
      const all = await log();
      expect(all.length).toBeGreaterThan(40);
      const order = [...all].sort((x, y) => (x.time === y.time ? (x.id < y.id ? 1 : -1) : x.time < y.time ? 1 : -1));
      expect(all.map((r) => r.id)).toEqual(order.map((r) => r.id));
      for (const query of ['', `&projectId=${a}`, '&action=reference.create']) {
        const whole = await log(query);
        const paged: AuditRow[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await call('GET', `/manage/audit?limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.statusCode).toBe(200);
          const body = res.json();
          expect(body.meta.count).toBe(body.data.length);
          expect(body.data.length).toBeLessThanOrEqual(7);
          paged.push(...body.data);
          cursor = body.meta.cursor;
          pages++;
        } while (cursor);
        expect(paged.map((r) => r.id)).toEqual(whole.map((r) => r.id));
        expect(pages).toBe(Math.ceil(whole.length / 7));
      }
      // The default page is 100 rows.
      expect((await call('GET', '/manage/audit')).json().data).toHaveLength(Math.min(100, all.length));
    });

    it('filters by projectId and by action', async () => {
      const ofA = await log(`&projectId=${a}`);
      // A's creation (project and first client), 6 event meta and 8 references.
      expect(ofA).toHaveLength(2 + 6 + 8);
      expect(ofA.every((r) => r.projectId === a)).toBe(true);
      const created = await log('&action=reference.create');
      expect(created.length).toBeGreaterThanOrEqual(12);
      expect(created.every((r) => r.action === 'reference.create')).toBe(true);
      const both = await log(`&projectId=${b}&action=event_meta.create`);
      expect(both.map((r) => r.targetId).sort()).toEqual(['event_0', 'event_10', 'event_2', 'event_4', 'event_6', 'event_8']);
      expect(await log('&projectId=no-such-project')).toEqual([]);
    });

    it.each([
      ['cursor=bogus', 'cursor'],
      [`cursor=${Buffer.from('[1,"not-a-uuid"]').toString('base64url')}`, 'cursor'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['action=project.explode', 'action'],
    ])('%s → 400 naming %s', async (query, field) => {
      const res = await call('GET', `/manage/audit?${query}`);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ status: 400, error: 'Bad Request' });
      expect(body.details.map((d: { path: string[] }) => d.path[0])).toContain(field);
    });

    it('read and write clients get 401, as on every /manage route', async () => {
      const write = (await createProject(t, { name: 'Modes' })).writeClient;
      const read = await createClient(t, { name: 'r', mode: 'read', projectId: a });
      for (const who of [write, read]) {
        const res = await call('GET', '/manage/audit', undefined, who);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(MANAGE_401);
      }
    });
  });

  describe('a second organisation (created as `npm run cli -- create-organization` does)', () => {
    let other: Credentials;
    let otherOrg: string;
    beforeAll(async () => {
      const made = await t.app.get(ClientsService).createOrganization('Second org');
      other = { id: made.client.id, secret: made.secret };
      otherOrg = made.organizationId;
    });

    it("sees only its own audit rows, and its root client's changes are audited under it", async () => {
      const mineBefore = await log();
      const own = await log('', other);
      expect(own.map((r) => [r.action, r.clientId, r.organizationId])).toEqual(
        expect.arrayContaining([
          ['organization.create', null, otherOrg],
          ['client.create', null, otherOrg],
        ]),
      );
      expect(own).toHaveLength(2);
      const project = (await createProject(t, { name: 'Second org project' }, other)).id;
      const after = await log('', other);
      expect(after.filter((r) => r.action === 'project.create')).toEqual([
        expect.objectContaining({ organizationId: otherOrg, clientId: other.id, projectId: project }),
      ]);
      expect(after.every((r) => r.organizationId === otherOrg)).toBe(true);
      // Nothing of the second organisation reaches the first's log, and the reverse.
      expect(await log()).toEqual(mineBefore);
      const ids = new Set(mineBefore.map((r) => r.id));
      expect(after.some((r) => ids.has(r.id))).toBe(false);
    });

    it("cannot list, read, change or delete the first organisation's projects, clients, references or audit rows", async () => {
      const p = await createProject(t, { name: 'First org only' });
      const reference = (await call('POST', '/manage/references', { projectId: p.id, title: 'Mine', datetime: '2024-01-15' })).json().data
        .id;
      const before = await log();
      const attempts: Array<[Method, string, object?]> = [
        ['GET', `/manage/projects/${p.id}`],
        ['PATCH', `/manage/projects/${p.id}`, { name: 'stolen' }],
        ['DELETE', `/manage/projects/${p.id}`],
        ['GET', `/manage/clients?projectId=${p.id}`],
        ['GET', `/manage/clients/${p.writeClient.id}`],
        ['PATCH', `/manage/clients/${p.writeClient.id}`, { name: 'stolen' }],
        ['DELETE', `/manage/clients/${p.writeClient.id}`],
        ['GET', `/manage/references?projectId=${p.id}`],
        ['GET', `/manage/references/${reference}`],
        ['PATCH', `/manage/references/${reference}`, { title: 'stolen' }],
        ['DELETE', `/manage/references/${reference}`],
        ['PUT', `/manage/event-meta/${p.id}/x`, { description: 'stolen' }],
      ];
      for (const [method, url, payload] of attempts) {
        const res = await call(method, url, payload, other);
        expect([method, url, res.statusCode]).toEqual([method, url, 404]);
      }
      const lists = await Promise.all(
        ['/manage/projects', '/manage/clients', '/manage/references'].map((u) => call('GET', u, undefined, other)),
      );
      for (const res of lists) expect(res.body).not.toContain(p.id);
      expect(await log(`&projectId=${p.id}`, other)).toEqual([]);
      expect((await log('', other)).some((r) => r.organizationId !== otherOrg)).toBe(false);
      // A's side is untouched and its log has no row for the refused attempts.
      expect((await call('GET', `/manage/projects/${p.id}`)).json().data.name).toBe('First org only');
      expect(await log()).toEqual(before);
    });
  });
});
