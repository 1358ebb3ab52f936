import type { Segment } from '../src';
import { actor, type FixtureEvent, numeric } from './fixture';

export interface RefSeries {
  /** Events already narrowed to the project, name and filters. */
  events: FixtureEvent[];
  segment: Segment;
  /** The numeric property of the property_* segments. */
  property?: (e: FixtureEvent) => string | undefined;
  start: Date;
  end: Date;
  label: (at: Date) => string;
  breakdown?: (e: FixtureEvent) => string[];
}

/** Plain-JS figures per breakdown group and bucket label, written without the library. */
export function referenceFigures(s: RefSeries): Map<string, Map<string, number>> {
  let rows = s.events.filter((e) => e.created_at >= s.start && e.created_at < s.end);
  if (s.segment.startsWith('property_')) rows = rows.filter((e) => numeric(s.property?.(e)) !== null);
  if (s.segment === 'one_event_per_user') {
    const first = new Map<string, FixtureEvent>();
    const ordered = [...rows].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
    for (const e of ordered) if (!first.has(actor(e))) first.set(actor(e), e);
    rows = [...first.values()];
  }
  const cells = new Map<string, Map<string, FixtureEvent[]>>();
  for (const e of rows) {
    const group = JSON.stringify(s.breakdown ? s.breakdown(e) : []);
    const label = s.label(e.created_at);
    if (!cells.has(group)) cells.set(group, new Map());
    const byLabel = cells.get(group)!;
    byLabel.set(label, [...(byLabel.get(label) ?? []), e]);
  }
  const out = new Map<string, Map<string, number>>();
  for (const [group, byLabel] of cells) {
    const values = new Map<string, number>();
    for (const [label, evs] of byLabel) values.set(label, figure(evs, s));
    out.set(group, values);
  }
  return out;
}

function figure(evs: FixtureEvent[], s: RefSeries): number {
  const actors = new Set(evs.map(actor)).size;
  const nums = evs.map((e) => numeric(s.property?.(e)) as number);
  switch (s.segment) {
    case 'event':
    case 'one_event_per_user':
      return evs.length;
    case 'user':
      return actors;
    case 'session':
      return new Set(evs.map((e) => e.session_id).filter((x) => x !== '')).size;
    case 'user_average':
      return evs.length / actors;
    case 'property_sum':
      return nums.reduce((a, b) => a + b, 0);
    case 'property_average':
      return nums.reduce((a, b) => a + b, 0) / nums.length;
    case 'property_min':
      return Math.min(...nums);
    case 'property_max':
      return Math.max(...nums);
  }
}
