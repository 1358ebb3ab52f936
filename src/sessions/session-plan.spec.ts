import type { ComputedSessionRow, SessionRow, StoredSessionRow } from '@app/analytics';
import { planBatches, planSessionWrites, type SessionWrite } from './session-plan';

const MIN = 60_000;

function session(id: string, device: string, from: string, to: string, over: Partial<SessionRow> = {}): SessionRow {
  return {
    id,
    project_id: 'p',
    device_id: device,
    profile_id: device,
    created_at: `2024-05-10 ${from}:00.000`,
    ended_at: `2024-05-10 ${to}:00.000`,
    duration: 0,
    event_count: 1,
    screen_view_count: 0,
    is_bounce: 1,
    entry_origin: '',
    entry_path: '',
    exit_origin: '',
    exit_path: '',
    referrer: '',
    referrer_name: '',
    referrer_type: '',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    utm_content: '',
    utm_term: '',
    country: '',
    country_code: '',
    region: '',
    city: '',
    longitude: null,
    latitude: null,
    os: '',
    os_version: '',
    browser: '',
    browser_version: '',
    device: '',
    brand: '',
    model: '',
    revenue: 0,
    ...over,
  };
}

const stored = (version: number, ...args: Parameters<typeof session>): StoredSessionRow => ({ ...session(...args), version });
const computed = (fallback: string, ...args: Parameters<typeof session>): ComputedSessionRow => ({
  ...session(...args),
  fallback_id: fallback,
});
const brief = (w: SessionWrite) => [w.id, w.sign, w.version, w.created_at.slice(11, 16), w.ended_at.slice(11, 16)];

/** The collapsed state after `writes`, as the builder would read it back. */
function apply(state: StoredSessionRow[], writes: SessionWrite[]): StoredSessionRow[] {
  let out = [...state];
  for (const w of writes) {
    const { sign, ...row } = w;
    if (sign === -1) out = out.filter((s) => !(s.id === w.id && s.version === w.version));
    else out.push(row);
  }
  return out;
}

describe('planSessionWrites', () => {
  it('writes nothing when the sessions are already right (the same markers processed twice)', () => {
    expect(planSessionWrites([stored(3, 'a', 'd', '08:00', '08:10')], [computed('fa', 'a', 'd', '08:00', '08:10')])).toEqual([]);
  });

  it('a session that grew keeps its id: cancel row at its version, the new state at the next', () => {
    const old = stored(2, 'a', 'd', '08:00', '08:10');
    const writes = planSessionWrites([old], [computed('fx', 'x', 'd', '07:50', '08:10', { event_count: 2 })]);
    expect(writes.map(brief)).toEqual([
      ['a', -1, 2, '08:00', '08:10'],
      ['a', 1, 3, '07:50', '08:10'],
    ]);
    // The cancel row repeats the old row exactly, so it meets its pair in the sort key.
    expect(writes[0]).toEqual({ ...old, sign: -1 });
  });

  it('a run bridging two sessions keeps the earlier one’s id, the later one is cancelled', () => {
    const writes = planSessionWrites(
      [stored(1, 'late', 'd', '09:00', '09:05'), stored(4, 'early', 'd', '08:00', '08:30')],
      [computed('f', 'early', 'd', '08:00', '09:05', { event_count: 3 })],
    );
    expect(writes.map(brief)).toEqual([
      ['early', -1, 4, '08:00', '08:30'],
      ['early', 1, 5, '08:00', '09:05'],
      ['late', -1, 1, '09:00', '09:05'],
    ]);
  });

  it('a new run takes its own id, or its fallback when a stored session holds that id', () => {
    const writes = planSessionWrites(
      [stored(1, 'prov', 'd', '08:00', '08:10')],
      [
        computed('f1', 'prov', 'd', '08:00', '08:10'),
        computed('f2', 'prov', 'd', '09:00', '09:00'),
        computed('f3', 'other', 'e', '09:00', '09:00'),
      ],
    );
    expect(writes.map(brief)).toEqual([
      ['f2', 1, 1, '09:00', '09:00'],
      ['other', 1, 1, '09:00', '09:00'],
    ]);
  });

  it('a stored session no run overlaps any more is cancelled; a session matches runs of its own device only', () => {
    const writes = planSessionWrites([stored(1, 'gone', 'd', '08:00', '08:10')], [computed('f', 'n', 'e', '08:00', '08:10')]);
    expect(writes.map(brief)).toEqual([
      ['n', 1, 1, '08:00', '08:10'],
      ['gone', -1, 1, '08:00', '08:10'],
    ]);
  });

  it('is idempotent: planning again over the state it produced writes nothing', () => {
    const before = [stored(1, 'a', 'd', '08:00', '08:20'), stored(2, 'b', 'd', '09:00', '09:10'), stored(1, 'c', 'e', '08:00', '08:00')];
    const runs = [
      computed('fa', 'a', 'd', '08:00', '09:10', { event_count: 5 }),
      computed('fz', 'z', 'd', '11:00', '11:00'),
      computed('fc', 'c', 'e', '08:00', '08:00'),
    ];
    const after = apply(before, planSessionWrites(before, runs));
    expect(after.map((s) => [s.id, s.version]).sort()).toEqual([
      ['a', 2],
      ['c', 1],
      ['z', 1],
    ]);
    expect(planSessionWrites(after, runs)).toEqual([]);
  });
});

describe('planBatches', () => {
  const dirty = (project: string, device: string, first: string, last: string) => ({
    project_id: project,
    device_id: device,
    first_at: `2024-05-10 ${first}:00.000`,
    last_at: `2024-05-10 ${last}:00.000`,
  });
  const limits = { maxDevices: 2, maxSpanMs: 4 * 60 * MIN };
  const span = (b: { from: Date; to: Date }) => [b.from.toISOString().slice(11, 16), b.to.toISOString().slice(11, 16)];

  it('widens each span by the session gap and merges the spans of a device that meet', () => {
    const batches = planBatches([dirty('p', 'd', '08:00', '08:05'), dirty('p', 'd', '08:50', '09:00')], limits);
    expect(batches.map((b) => [b.projectId, b.deviceIds, ...span(b)])).toEqual([['p', ['d'], '07:30', '09:30']]);
  });

  it('cuts by project, by device count and by time span', () => {
    const batches = planBatches(
      [
        dirty('p', 'a', '08:00', '08:00'),
        dirty('p', 'b', '08:10', '08:10'),
        dirty('p', 'c', '08:20', '08:20'),
        dirty('p', 'a', '20:00', '20:00'),
        dirty('q', 'a', '08:00', '08:00'),
      ],
      limits,
    );
    expect(batches.map((b) => [b.projectId, b.deviceIds, ...span(b)])).toEqual([
      ['p', ['a', 'b'], '07:30', '08:40'],
      ['p', ['c'], '07:50', '08:50'],
      ['p', ['a'], '19:30', '20:30'],
      ['q', ['a'], '07:30', '08:30'],
    ]);
  });

  it('keeps overlapping long windows (history inserted in bulk) in one batch, each device once', () => {
    const batches = planBatches([dirty('p', 'a', '00:30', '22:00'), dirty('p', 'b', '01:00', '23:00'), dirty('p', 'c', '02:00', '02:10')], {
      ...limits,
      maxDevices: 10,
    });
    expect(batches.map((b) => [b.projectId, b.deviceIds, ...span(b)])).toEqual([['p', ['a', 'b', 'c'], '00:00', '23:30']]);
  });
});
