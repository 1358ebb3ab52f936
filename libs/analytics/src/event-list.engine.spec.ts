import type { ClickhouseService } from '@app/clickhouse';
import { openEngine, runSql } from '../test/engine';
import { eventRows, type FixtureEvent, localDay, makeEvents, makeProfiles, PROJECT, profileRows } from '../test/fixture';
import { nextEventCursor } from './cursor';
import { buildEventListSql, buildEventStreamSql, buildProfilesSql, type EventListQuery } from './event-list-sql';

const TZ = 'Europe/Berlin';
const events = makeEvents(new Date('2024-03-20T00:00:00Z'), new Date('2024-04-03T10:00:00Z'), 300, 7);
const profiles = makeProfiles();

interface Row {
  id: string;
  name: string;
  profileId: string;
  createdAt: string;
  properties: Record<string, string>;
  duration: number;
  country: string;
}

let ch: ClickhouseService;

beforeAll(async () => {
  ch = await openEngine();
  await ch.client.insert({ table: ch.table('events'), values: eventRows(events), format: 'JSONEachRow' });
  await ch.client.insert({ table: ch.table('profiles'), values: profileRows(profiles), format: 'JSONEachRow' });
});

afterAll(async () => {
  await ch?.close();
});

/** The fixture in the order the API promises: newest first, ties by id (as text), descending. */
function expected(match: (e: FixtureEvent) => boolean = () => true): string[] {
  return events
    .filter((e) => e.project_id === PROJECT && match(e))
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1))
    .map((e) => e.id);
}

const base: EventListQuery = { projectId: PROJECT, timezone: TZ, filters: [], limit: 10 };

async function total(q: EventListQuery): Promise<number> {
  const [row] = await runSql<{ total: string }>(ch, buildEventListSql(q, ch.database).count);
  return Number(row.total);
}

describe('event list SQL on the embedded engine', () => {
  it('walks every page by offset in order, with a total that ignores limit and page', async () => {
    const all = expected();
    const seen: string[] = [];
    for (let offset = 0; offset < all.length; offset += 17) {
      const rows = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 17, offset }, ch.database).page);
      seen.push(...rows.map((r) => r.id));
    }
    expect(seen).toEqual(all);
    expect(await total({ ...base, limit: 1 })).toBe(all.length);
    expect(await total({ ...base, limit: 1000, offset: 40 })).toBe(all.length);
  });

  it('walks the same order by cursor, across the events sharing one instant', async () => {
    const all = expected();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const rows = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 3, cursor }, ch.database).page);
      seen.push(...rows.map((r) => r.id));
      const next = nextEventCursor(rows, 3);
      if (!next) break;
      cursor = next;
    }
    expect(seen).toEqual(all);
    expect(all.filter((id) => events.find((e) => e.id === id)!.created_at.toISOString() === '2024-04-02T08:00:00.000Z').length).toBeGreaterThanOrEqual(4);
  });

  it('returns response-shaped rows', async () => {
    const [row] = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 1 }, ch.database).page);
    const source = events.find((e) => e.id === row.id)!;
    expect(row).toMatchObject({ name: source.name, profileId: source.profile_id, createdAt: source.created_at.toISOString(), properties: source.properties, duration: source.duration, country: source.country });
  });

  it('filters by names, profiles, inclusive bare dates in the zone, properties and profile fields', async () => {
    const q: EventListQuery = {
      ...base,
      events: ['screen_view', 'click'],
      start: '2024-03-31',
      end: '2024-04-01',
      filters: [
        { name: 'properties.plan', operator: 'is', value: ['pro'] },
        { name: 'profile.properties.tier', operator: 'isNot', value: ['silver'] },
      ],
    };
    const tierOf = (e: FixtureEvent) => (e.profile_id ? profiles.find((p) => p.id === e.profile_id && p.project_id === PROJECT && p.version === 2)?.properties.tier : undefined) ?? '';
    const want = expected((e) => ['screen_view', 'click'].includes(e.name) && ['2024-03-31', '2024-04-01'].includes(localDay(e.created_at, TZ)) && e.properties.plan === 'pro' && tierOf(e) !== 'silver');
    expect(want.length).toBeGreaterThan(3);
    const rows = await runSql<Row>(ch, buildEventListSql({ ...q, limit: 1000 }, ch.database).page);
    expect(rows.map((r) => r.id)).toEqual(want);
    expect(await total(q)).toBe(want.length);

    const byProfile = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 1000, profileIds: ['user1', 'user2'] }, ch.database).page);
    expect(byProfile.map((r) => r.id)).toEqual(expected((e) => ['user1', 'user2'].includes(e.profile_id)));
  });

  it('matches a hostile property key and value exactly', async () => {
    const key = "we'ird {k:String} key";
    const rows = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 1000, filters: [{ name: `properties.${key}`, operator: 'is', value: ["v') OR 1=1 --"] }] }, ch.database).page);
    const want = expected((e) => e.properties[key] === "v') OR 1=1 --");
    expect(want.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.id)).toEqual(want);
  });

  it('streams everything in page order', async () => {
    const rows = await runSql<Row>(ch, buildEventStreamSql({ projectId: PROJECT, timezone: TZ, filters: [] }, ch.database));
    expect(rows.map((r) => r.id)).toEqual(expected());
  });

  it('loads the newest version of profiles of this project only', async () => {
    const rows = await runSql<{ id: string; email: string; firstName: string; properties: Record<string, string>; isExternal: boolean }>(ch, buildProfilesSql(PROJECT, ['user0', 'user1', 'user1', 'nobody'], ch.database));
    expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      expect.objectContaining({ id: 'user0', email: 'user0@example.com', firstName: 'First0', properties: { tier: 'gold' }, isExternal: true }),
      expect.objectContaining({ id: 'user1', email: 'user1@example.com', properties: { tier: 'silver' } }),
    ]);
  });
});
