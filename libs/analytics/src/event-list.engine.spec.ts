import type { ClickhouseService } from '@app/clickhouse';
import { openEngineWith, runSql } from '../test/engine';
import { eventRows, type FixtureEvent, localDay, makeEvents, makeProfiles, PROJECT } from '../test/fixture';
import { splitEventPage } from './cursor';
import { buildEventListSql, buildEventStreamSql, type EventListQuery } from './event-list-sql';

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
  ch = await openEngineWith(events, profiles);
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
      seen.push(...splitEventPage(rows, 17, offset / 17 + 1).rows.map((r) => r.id));
    }
    expect(seen).toEqual(all);
    expect(await total({ ...base, limit: 1 })).toBe(all.length);
    expect(await total({ ...base, limit: 1000, offset: 40 })).toBe(all.length);
  });

  it('walks the same order by cursor, across the events sharing one instant', async () => {
    const all = expected();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (let guard = 0; guard < 200; guard++) {
      const rows = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 3, cursor }, ch.database).page);
      const split = splitEventPage(rows, 3, pages + 1);
      pages++;
      seen.push(...split.rows.map((r) => r.id));
      if (!split.nextCursor) break;
      cursor = split.nextCursor;
    }
    expect(seen).toEqual(all);
    // The last page is the one that holds the last event: no empty page after it.
    expect(pages).toBe(Math.ceil(all.length / 3));
    expect(
      all.filter((id) => events.find((e) => e.id === id)!.created_at.toISOString() === '2024-04-02T08:00:00.000Z').length,
    ).toBeGreaterThanOrEqual(4);
  });

  it('returns response-shaped rows', async () => {
    const [row] = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 1 }, ch.database).page);
    const source = events.find((e) => e.id === row.id)!;
    expect(row).toMatchObject({
      name: source.name,
      profileId: source.profile_id,
      createdAt: source.created_at.toISOString(),
      properties: source.properties,
      duration: source.duration,
      country: source.country,
    });
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
    const tierOf = (e: FixtureEvent) =>
      (e.profile_id
        ? profiles.find((p) => p.id === e.profile_id && p.project_id === PROJECT && p.version === 2)?.properties.tier
        : undefined) ?? '';
    const want = expected(
      (e) =>
        ['screen_view', 'click'].includes(e.name) &&
        ['2024-03-31', '2024-04-01'].includes(localDay(e.created_at, TZ)) &&
        e.properties.plan === 'pro' &&
        tierOf(e) !== 'silver',
    );
    expect(want.length).toBeGreaterThan(3);
    const rows = await runSql<Row>(ch, buildEventListSql({ ...q, limit: 1000 }, ch.database).page);
    expect(rows.map((r) => r.id)).toEqual(want);
    expect(await total(q)).toBe(want.length);

    const byProfile = await runSql<Row>(ch, buildEventListSql({ ...base, limit: 1000, profileIds: ['user1', 'user2'] }, ch.database).page);
    expect(byProfile.map((r) => r.id)).toEqual(expected((e) => ['user1', 'user2'].includes(e.profile_id)));
  });

  it('matches a hostile property key and value exactly', async () => {
    const key = "we'ird {k:String} key";
    const rows = await runSql<Row>(
      ch,
      buildEventListSql(
        { ...base, limit: 1000, filters: [{ name: `properties.${key}`, operator: 'is', value: ["v') OR 1=1 --"] }] },
        ch.database,
      ).page,
    );
    const want = expected((e) => e.properties[key] === "v') OR 1=1 --");
    expect(want.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.id)).toEqual(want);
  });

  it('streams everything in page order, step by step', async () => {
    const seen: string[] = [];
    let after: Row | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const rows = await runSql<Row>(ch, buildEventStreamSql({ projectId: PROJECT, timezone: TZ, filters: [] }, ch.database, after, 7));
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 7) break;
      after = rows[rows.length - 1];
    }
    expect(seen).toEqual(expected());
  });

  it('filters on createdAt as instants and on groups by element', async () => {
    const at = '2024-04-02T08:00:00.000Z';
    const rows = await runSql<Row>(
      ch,
      buildEventListSql({ ...base, limit: 1000, filters: [{ name: 'createdAt', operator: 'is', value: [at] }] }, ch.database).page,
    );
    expect(rows.map((r) => r.id)).toEqual(expected((e) => e.created_at.toISOString() === at));
    const later = await runSql<Row>(
      ch,
      buildEventListSql(
        { ...base, limit: 1000, filters: [{ name: 'createdAt', operator: 'gte', value: ['2024-04-02T10:00:00+02:00'] }] },
        ch.database,
      ).page,
    );
    expect(later.map((r) => r.id)).toEqual(expected((e) => e.created_at.getTime() >= Date.parse('2024-04-02T08:00:00Z')));
    const day = await runSql<Row>(
      ch,
      buildEventListSql(
        { ...base, limit: 1000, filters: [{ name: 'created_at', operator: 'startsWith', value: ['2024-03-31'] }] },
        ch.database,
      ).page,
    );
    expect(day.map((r) => r.id)).toEqual(expected((e) => e.created_at.toISOString().startsWith('2024-03-31')));
    const none = await runSql<Row>(
      ch,
      buildEventListSql({ ...base, limit: 1000, filters: [{ name: 'groups', operator: 'isNull', value: [] }] }, ch.database).page,
    );
    expect(none.map((r) => r.id)).toEqual(expected());
    const grouped = [
      { ...events[0], id: '22222222-0000-4000-a000-000000000001', project_id: 'proj_groups', groups: ['g1', 'team-a'] },
      { ...events[0], id: '22222222-0000-4000-a000-000000000002', project_id: 'proj_groups', groups: ['g2'] },
      { ...events[0], id: '22222222-0000-4000-a000-000000000003', project_id: 'proj_groups', groups: [] },
    ];
    await ch.client.insert({
      table: ch.table('events'),
      values: eventRows(grouped).map((r, i) => ({ ...r, groups: grouped[i].groups })),
      format: 'JSONEachRow',
    });
    const ids = async (filters: EventListQuery['filters']) =>
      (await runSql<Row>(ch, buildEventListSql({ ...base, projectId: 'proj_groups', limit: 1000, filters }, ch.database).page))
        .map((r) => r.id.slice(-1))
        .sort();
    expect(await ids([{ name: 'groups', operator: 'is', value: ['g1'] }])).toEqual(['1']);
    expect(await ids([{ name: 'groups', operator: 'isNot', value: ['g1'] }])).toEqual(['2', '3']);
    expect(await ids([{ name: 'groups', operator: 'startsWith', value: ['team'] }])).toEqual(['1']);
    expect(await ids([{ name: 'groups', operator: 'doesNotContain', value: ['g'] }])).toEqual(['3']);
    expect(await ids([{ name: 'groups', operator: 'isNotNull', value: [] }])).toEqual(['1', '2']);
  });
});
