import type { DdlTarget } from './ddl';
import { buildRetentionStatements } from './retention';

const CUTOFF = "{cutoff:DateTime64(3, 'UTC')}";

describe('buildRetentionStatements', () => {
  it.each<[string, DdlTarget, string]>([
    ['single node: mutations on the tables themselves, no cluster clause', { database: 'db' }, ''],
    ['cluster: ON CLUSTER on the _local tables', { database: 'db', cluster: 'main' }, "_local ON CLUSTER 'main'"],
  ])('%s', (_title, target, local) => {
    const s = buildRetentionStatements(target);
    const del = (table: string, column: string) => [
      `ALTER TABLE db.${table}${local} DELETE WHERE project_id = {projectId:String} AND ${column} < ${CUTOFF}`,
    ];
    expect(s.events).toEqual(del('events', 'created_at'));
    expect(s.sessions).toEqual(del('sessions', 'ended_at'));
    expect(s.markers).toEqual(del('session_dirty', 'last_at'));
    // Counts and live sessions are read through the Distributed tables (every shard), and the
    // markers inserted through one, so each lands on the shard of its device.
    expect(s.counts).toContain('FROM db.events WHERE project_id = {projectId:String} AND created_at < ');
    expect(s.straddlers).toMatch(/^INSERT INTO db\.session_dirty \(project_id, device_id, first_at, last_at, inserted_at\) SELECT /);
    expect(s.straddlers).toContain(
      `FROM db.sessions WHERE project_id = {projectId:String} AND created_at < ${CUTOFF} AND ended_at >= ${CUTOFF}`,
    );
    expect(`${s.counts} ${s.straddlers}`).not.toMatch(/_local|ON CLUSTER/);
  });

  it('refuses a database or cluster name that is not an identifier', () => {
    expect(() => buildRetentionStatements({ database: 'db; DROP TABLE x' })).toThrow(/invalid ClickHouse database/);
    expect(() => buildRetentionStatements({ database: 'db', cluster: "c' --" })).toThrow(/invalid ClickHouse cluster/);
  });
});
