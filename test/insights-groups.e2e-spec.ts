import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { type Row, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const HOUR = 3_600_000;
/** A second boundary a day back: the time of user-a's event. */
const SEEN = new Date(Math.floor((Date.now() - 24 * HOUR) / 1000) * 1000).toISOString();

describe('Insights: groups', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let other: CreatedProject;
  let reader: Credentials;
  let deviceId: string;

  const get = (url: string, as: Credentials = reader) => t.app.inject({ method: 'GET', url, headers: authHeaders(as) });
  const ok = async (url: string, as?: Credentials) => {
    const res = await get(url, as);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const track = async (project: CreatedProject, type: string, payload: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(project.writeClient), 'user-agent': USER_AGENTS.chrome, 'x-client-ip': '8.8.8.8' },
      payload: { type, payload },
    });
    expect([type, res.statusCode]).toEqual([type, 200]);
    return res.json();
  };
  const ids = (rows: Row[]) => rows.map((r) => r.id);

  /**
   * Groups created in this order: acme (company), globex (company, a name with `%` and `_`),
   * team-red (team), lonely (company, no members); acme's properties are then extended.
   * Members: user-a (acme, team-red), user-b (acme), user-c (globex), and the sender's device,
   * assigned without a profile (acme), made in that order. user-a has one event, at SEEN.
   */
  beforeAll(async () => {
    p = await createProject(t, { name: 'Insights groups', timezone: 'UTC' });
    other = await createProject(t, { name: 'Groups other', timezone: 'UTC' });
    reader = await createClient(t, { name: 'groups reader', mode: 'read', projectId: p.id });
    await track(p, 'group', { id: 'acme', type: 'company', name: 'Acme Inc.', properties: { plan: 'enterprise' } });
    await track(p, 'group', { id: 'globex', type: 'company', name: 'Globex 100%_Corp' });
    await track(p, 'group', { id: 'team-red', type: 'team', name: 'Red Team' });
    await track(p, 'group', { id: 'lonely', type: 'company', name: 'Lonely Ltd' });
    await track(p, 'group', { id: 'acme', type: 'company', name: 'Acme Inc.', properties: { seats: 50 } });
    await track(other, 'group', { id: 'acme', type: 'guild', name: 'Another Acme' });
    for (const profileId of ['user-a', 'user-b', 'user-c']) await track(p, 'identify', { profileId, firstName: profileId.toUpperCase() });
    await track(p, 'assign_group', { profileId: 'user-a', groupIds: ['acme', 'team-red'] });
    await track(p, 'assign_group', { profileId: 'user-b', groupIds: ['acme'] });
    await track(p, 'assign_group', { profileId: 'user-c', groupIds: ['globex'] });
    deviceId = (await track(p, 'assign_group', { groupIds: ['acme'] })).deviceId;
    await track(other, 'assign_group', { profileId: 'user-z', groupIds: ['acme'] });
    await track(p, 'track', { name: 'login', profileId: 'user-a', properties: { __timestamp: SEEN } });
    await drainEvents(t);
  });

  it('groups/types: the distinct types of the project, in order', async () => {
    expect(await ok(`/insights/${p.id}/groups/types`)).toEqual({ types: ['company', 'team'] });
    expect(await ok(`/insights/${other.id}/groups/types`, t.root)).toEqual({ types: ['guild'] });
  });

  it('groups: newest first, by type, by search on name or id (any case, % and _ plain), paged', async () => {
    const all = await ok(`/insights/${p.id}/groups`);
    expect(ids(all)).toEqual(['lonely', 'team-red', 'globex', 'acme']);
    const acme = all.find((g: Row) => g.id === 'acme');
    expect(acme).toEqual({
      id: 'acme',
      projectId: p.id,
      type: 'company',
      name: 'Acme Inc.',
      properties: { plan: 'enterprise', seats: 50 },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(Date.parse(acme.updatedAt)).toBeGreaterThan(Date.parse(acme.createdAt)); // the second `group` changed it
    expect(ids(await ok(`/insights/${p.id}/groups?type=company`))).toEqual(['lonely', 'globex', 'acme']);
    expect(ids(await ok(`/insights/${p.id}/groups?type=team`))).toEqual(['team-red']);
    expect(ids(await ok(`/insights/${p.id}/groups?search=GLOBEX`))).toEqual(['globex']);
    expect(ids(await ok(`/insights/${p.id}/groups?search=${encodeURIComponent('0%_c')}`))).toEqual(['globex']);
    expect(ids(await ok(`/insights/${p.id}/groups?search=${encodeURIComponent('%')}`))).toEqual(['globex']);
    expect(ids(await ok(`/insights/${p.id}/groups?search=_`))).toEqual(['globex']);
    expect(ids(await ok(`/insights/${p.id}/groups?search=team-`))).toEqual(['team-red']); // the id
    expect(ids(await ok(`/insights/${p.id}/groups?search=e&type=company`))).toEqual(['lonely', 'globex', 'acme']);
    expect(ids(await ok(`/insights/${p.id}/groups?limit=2`))).toEqual(['lonely', 'team-red']);
    expect(ids(await ok(`/insights/${p.id}/groups?limit=2&cursor=2`))).toEqual(['globex', 'acme']);
    expect(await ok(`/insights/${p.id}/groups?limit=2&cursor=3`)).toEqual([]);
    expect(await ok(`/insights/${p.id}/groups?type=${encodeURIComponent("company' OR 1=1 --")}`)).toEqual([]);
    expect(ids(await ok(`/insights/${other.id}/groups`, t.root))).toEqual(['acme']);
  });

  it('groups/:groupId: the group, member_count and its newest members, camelCase', async () => {
    const body = await ok(`/insights/${p.id}/groups/acme`);
    expect(body.group).toMatchObject({ id: 'acme', projectId: p.id, type: 'company', name: 'Acme Inc.' });
    expect(body.member_count).toBe(3);
    expect(ids(body.members)).toEqual([deviceId, 'user-b', 'user-a']);
    const a = body.members[2];
    expect(a).toEqual({
      id: 'user-a',
      email: null,
      avatar: null,
      firstName: 'USER-A',
      lastName: null,
      createdAt: expect.any(String),
      lastSeenAt: SEEN,
      isExternal: true,
      projectId: p.id,
      groups: ['acme', 'team-red'],
      properties: {},
    });
    expect(body.members[0]).toMatchObject({ id: deviceId, isExternal: false, groups: ['acme'] });
    const one = await ok(`/insights/${p.id}/groups/acme?memberLimit=1`);
    expect([one.member_count, ids(one.members)]).toEqual([3, [deviceId]]);
    expect(await ok(`/insights/${p.id}/groups/lonely`)).toMatchObject({ member_count: 0, members: [] });
    const team = await ok(`/insights/${p.id}/groups/team-red`);
    expect([team.member_count, ids(team.members)]).toEqual([1, ['user-a']]);
    const elsewhere = await ok(`/insights/${other.id}/groups/acme`, t.root);
    expect([elsewhere.group.name, elsewhere.member_count, ids(elsewhere.members)]).toEqual(['Another Acme', 1, ['user-z']]);
  });

  it('an unknown group is a 404 in the error shape; bad paging a 400', async () => {
    for (const id of ['nope', encodeURIComponent("acme' OR 1=1 --"), 'x'.repeat(255)]) {
      const res = await get(`/insights/${p.id}/groups/${id}`);
      expect([id, res.statusCode, res.json()]).toEqual([id, 404, { status: 404, error: 'Not Found', message: 'Group not found' }]);
    }
    for (const url of [
      'groups/acme?memberLimit=51',
      'groups/acme?memberLimit=0',
      'groups?limit=101',
      'groups?cursor=-1',
      `groups/${'x'.repeat(256)}`,
      `groups/${encodeURIComponent('a\u0000b')}`,
      `groups?search=${encodeURIComponent('a\u0000b')}`,
    ]) {
      const res = await get(`/insights/${p.id}/${url}`);
      expect([url, res.statusCode, res.json().status]).toEqual([url, 400, 400]);
    }
  });

  it('access: another project 403, a write client 401, an unknown project 404', async () => {
    for (const path of ['groups/types', 'groups', 'groups/acme']) {
      expect([path, (await get(`/insights/${other.id}/${path}`)).statusCode]).toEqual([path, 403]);
      expect([path, (await get(`/insights/${p.id}/${path}`, p.writeClient)).statusCode]).toEqual([path, 401]);
      expect([path, (await get(`/insights/nope/${path}`, t.root)).statusCode]).toEqual([path, 404]);
    }
  });
});
