import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_ROW_COLUMNS } from './incoming-event';

describe('EVENT_ROW_COLUMNS', () => {
  it('lists the columns of the events table, in table order', () => {
    const ddl = readFileSync(join(__dirname, '../../clickhouse/src/migrations/0001_events.sql'), 'utf8');
    const body = ddl.slice(ddl.indexOf('(') + 1, ddl.indexOf('ENGINE'));
    const columns = [...body.matchAll(/^\s{2}([a-z_]+)\s/gm)].map((m) => m[1]);
    expect(columns.length).toBeGreaterThan(20);
    expect([...EVENT_ROW_COLUMNS]).toEqual(columns);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(EVENT_ROW_COLUMNS)).toBe(true);
  });
});
