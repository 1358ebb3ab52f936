import { HOSTILE, sqlIsClean } from '../test/hostile';
import { invalidPath } from '../test/invalid';
import { decodeEventCursor, encodeEventCursor, splitEventPage } from './cursor';
import { buildEventListSql, buildEventStreamSql, type EventListQuery } from './event-list-sql';

const base: EventListQuery = { projectId: 'p1', timezone: 'Europe/Berlin', filters: [], limit: 50 };
const whereOf = (sql: string) => sql.slice(sql.indexOf(' WHERE '), sql.search(/ ORDER BY | SETTINGS /));

describe('buildEventListSql', () => {
  it('pages newest first with the id as tie-breaker, and counts under the same predicate', () => {
    const { page, count } = buildEventListSql(
      {
        ...base,
        events: ['a', 'b'],
        profileIds: ['u1'],
        start: '2024-04-15',
        end: '2024-04-18',
        filters: [{ name: 'country', operator: 'is', value: ['Germany'] }],
        offset: 100,
      },
      'db',
    );
    expect(page.sql).toContain('ORDER BY e.created_at DESC, toString(e.id) DESC LIMIT {limit:UInt32} OFFSET {offset:UInt64}');
    expect(whereOf(page.sql)).toBe(whereOf(count.sql));
    expect(whereOf(count.sql)).toBe(
      " WHERE e.project_id = {projectId:String} AND e.created_at >= {start:DateTime64(3, 'UTC')} AND e.created_at < {end:DateTime64(3, 'UTC')} AND e.name IN ({p0:String}, {p1:String}) AND e.profile_id IN ({p2:String}) AND (e.country = {p3:String})",
    );
    // Bare dates cover whole days of the project's calendar, end included.
    expect(count.params).toMatchObject({ start: '2024-04-14 22:00:00.000', end: '2024-04-18 22:00:00.000', p0: 'a', p3: 'Germany' });
    // One row past the limit says whether another page follows.
    expect(page.params).toMatchObject({ limit: '51', offset: '100' });
  });

  it('gives the same count whatever the limit or page (OpenPanel #296)', () => {
    const a = buildEventListSql({ ...base, limit: 1 }, 'db').count;
    const b = buildEventListSql({ ...base, limit: 1000, offset: 5000 }, 'db').count;
    expect(a).toEqual(b);
  });

  it('seeks by keyset with a cursor; the count ignores the cursor', () => {
    const cursor = encodeEventCursor({ createdAt: '2024-04-02T08:00:00.000Z', id: 'ffffffff-0000-4000-a000-000000000002' });
    const { page, count } = buildEventListSql({ ...base, cursor }, 'db');
    expect(page.sql).toContain(
      "e.created_at <= {c_at:DateTime64(3, 'UTC')} AND (e.created_at < {c_at:DateTime64(3, 'UTC')} OR toString(e.id) < {c_id:String})",
    );
    expect(page.params).toMatchObject({ c_at: '2024-04-02 08:00:00.000', c_id: 'ffffffff-0000-4000-a000-000000000002', offset: '0' });
    expect(count).toEqual(buildEventListSql(base, 'db').count);
  });

  it('joins profiles only for profile filters', () => {
    expect(buildEventListSql(base, 'db').page.sql).not.toContain('JOIN');
    const { page, count } = buildEventListSql({ ...base, filters: [{ name: 'profile.email', operator: 'contains', value: ['@'] }] }, 'db');
    expect(page.sql).toContain('LEFT JOIN');
    expect(count.sql).toContain('LEFT JOIN');
  });

  it('keeps hostile input out of all statements', () => {
    for (const h of HOSTILE) {
      const q: EventListQuery = {
        ...base,
        projectId: h,
        events: [h],
        profileIds: [h],
        filters: [{ name: `properties.${h}`, operator: 'contains', value: [h] }],
      };
      const { page, count } = buildEventListSql(q, 'db');
      const stream = buildEventStreamSql(q, 'db');
      for (const s of [page, count, stream]) {
        expect(sqlIsClean(s.sql)).toBe(true);
        expect(Object.values(s.params)).toContain(h);
      }
    }
  });

  it('streams with the same predicate and order, in keyset steps', () => {
    const first = buildEventStreamSql(base, 'db');
    expect(whereOf(first.sql)).toBe(whereOf(buildEventListSql(base, 'db').count.sql));
    expect(first.sql).toContain('ORDER BY e.created_at DESC, toString(e.id) DESC LIMIT {limit:UInt32} SETTINGS max_execution_time = 60');
    expect(first.params.limit).toBe('5000');
    const next = buildEventStreamSql(base, 'db', { createdAt: '2024-04-02T08:00:00.000Z', id: '00000000-0000-4000-a000-000000000001' }, 10);
    expect(next.sql).toContain(
      "e.created_at <= {c_at:DateTime64(3, 'UTC')} AND (e.created_at < {c_at:DateTime64(3, 'UTC')} OR toString(e.id) < {c_id:String})",
    );
    expect(next.params).toMatchObject({ c_at: '2024-04-02 08:00:00.000', limit: '10' });
  });

  it.each<[string, Partial<EventListQuery>, (string | number)[]]>([
    ['limit 0', { limit: 0 }, ['limit']],
    ['limit 1001', { limit: 1001 }, ['limit']],
    ['negative offset', { offset: -1 }, ['page']],
    [
      'cursor with offset',
      { cursor: encodeEventCursor({ createdAt: '2024-01-01T00:00:00.000Z', id: '00000000-0000-4000-a000-000000000001' }), offset: 50 },
      ['cursor'],
    ],
    ['bad start', { start: 'last tuesday' }, ['start']],
    ['end before start', { start: '2024-04-02', end: '2024-04-01' }, ['end']],
    ['unknown filter field', { filters: [{ name: 'secret', operator: 'is', value: ['x'] }] }, ['filters', 0, 'name']],
    ['forged cursor', { cursor: 'eyJoYWNrIjoxfQ' }, ['cursor']],
    ['no project', { projectId: '' }, ['projectId']],
  ])('rejects %s', (_title, overrides, path) => {
    expect(invalidPath(() => buildEventListSql({ ...base, ...overrides }, 'db'))).toEqual(path);
  });

  it('reads session_start and session_end from the sessions only when named, with open bounds bound wide', () => {
    expect(buildEventListSql({ ...base, events: ['screen_view'] }, 'db').page.sql).not.toContain('db.sessions');
    const alone = buildEventListSql({ ...base, events: ['session_start'] }, 'db');
    expect(alone.page.sql).toContain('db.sessions');
    expect(alone.page.sql).not.toContain('FROM db.events');
    expect(alone.page.sql).not.toContain("'session_end'");
    expect(alone.count.params).toMatchObject({ start: '1900-01-01 00:00:00.000', end: '2299-12-31 23:59:59.999', p0: 'session_start' });
    const mixed = buildEventListSql({ ...base, events: ['a', 'session_end', 'session_start'], start: '2024-04-15' }, 'db');
    // The stored events, but none under a reserved name, and each derived name once.
    expect(mixed.count.sql).toContain(
      "FROM db.events WHERE project_id = {projectId:String} AND name NOT IN ('session_start', 'session_end')",
    );
    expect(mixed.count.sql.match(/UNION ALL SELECT \* FROM/g)).toHaveLength(2);
    expect(mixed.count.params).toMatchObject({ start: '2024-04-14 22:00:00.000', end: '2299-12-31 23:59:59.999' });
    expect(whereOf(buildEventStreamSql({ ...base, events: ['session_end'] }, 'db').sql)).toContain('e.name IN ({p0:String})');
    for (const h of HOSTILE) {
      const q: EventListQuery = {
        ...base,
        events: [h, 'session_start'],
        filters: [{ name: `properties.${h}`, operator: 'is', value: [h] }],
      };
      for (const s of [buildEventListSql(q, 'db').page, buildEventStreamSql(q, 'db')]) expect(sqlIsClean(s.sql)).toBe(true);
    }
  });

  it('reads a named range when no bounds are given', () => {
    const { count } = buildEventListSql({ ...base, range: 'today', now: new Date('2024-04-03T10:00:00Z') }, 'db');
    expect(count.params).toMatchObject({ start: '2024-04-02 22:00:00.000', end: '2024-04-03 22:00:00.000' });
  });
});

describe('event cursor', () => {
  it('round-trips and is opaque', () => {
    const token = encodeEventCursor({ createdAt: '2024-04-02T08:00:00.123Z', id: 'ABCDEF00-0000-4000-A000-000000000002' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeEventCursor(token)).toEqual({
      createdAt: new Date('2024-04-02T08:00:00.123Z'),
      id: 'abcdef00-0000-4000-a000-000000000002',
      page: null,
    });
    const paged = encodeEventCursor({ createdAt: '2024-04-02T08:00:00.123Z', id: 'abcdef00-0000-4000-a000-000000000002', page: 7 });
    expect(decodeEventCursor(paged).page).toBe(7);
    expect(buildEventListSql({ ...base, cursor: paged }, 'db').cursorPage).toBe(7);
  });

  it.each([
    '',
    '!!!',
    'x'.repeat(500),
    Buffer.from('[1, "not-a-uuid"]').toString('base64url'),
    Buffer.from('[-1, "00000000-0000-4000-a000-000000000001"]').toString('base64url'),
    Buffer.from('[1, "\') OR 1=1 --"]').toString('base64url'),
    Buffer.from('[1, "00000000-0000-4000-a000-000000000001", 0]').toString('base64url'),
    Buffer.from('[1, "00000000-0000-4000-a000-000000000001", "2"]').toString('base64url'),
  ])('rejects %j', (token) => {
    expect(invalidPath(() => decodeEventCursor(token))).toEqual(['cursor']);
  });

  it('offers a next cursor only when a row past the limit came back', () => {
    const rows = [
      { createdAt: '2024-04-02T08:00:00.000Z', id: '00000000-0000-4000-a000-000000000001' },
      { createdAt: '2024-04-02T07:00:00.000Z', id: '00000000-0000-4000-a000-000000000002' },
    ];
    expect(splitEventPage(rows, 2, 1)).toEqual({ rows, nextCursor: null });
    expect(splitEventPage(rows.slice(0, 1), 1, 1).nextCursor).toBeNull();
    const split = splitEventPage(rows, 1, 3);
    expect(split.rows).toEqual(rows.slice(0, 1));
    expect(decodeEventCursor(split.nextCursor!)).toEqual({ createdAt: new Date(rows[0].createdAt), id: rows[0].id, page: 4 });
  });
});
