import { buildErasureStatements } from './erasure-sql';

describe('buildErasureStatements', () => {
  it("cluster: deletes on every shard's local table, ids only as parameters", () => {
    expect(buildErasureStatements({ database: 'db', cluster: 'main' })).toEqual({
      events: [
        "ALTER TABLE db.events_local ON CLUSTER 'main' DELETE WHERE project_id = {projectId:String} AND profile_id IN {ids:Array(String)}",
      ],
      sessions: [
        "ALTER TABLE db.sessions_local ON CLUSTER 'main' DELETE WHERE project_id = {projectId:String} AND id IN {sessionIds:Array(String)}",
      ],
      profiles: [
        "ALTER TABLE db.profiles_local ON CLUSTER 'main' DELETE WHERE project_id = {projectId:String} AND id IN {ids:Array(String)}",
      ],
    });
  });

  it('single node: the tables themselves, no cluster clause', () => {
    const s = buildErasureStatements({ database: 'openpanel' });
    expect(s.events).toEqual([
      'ALTER TABLE openpanel.events DELETE WHERE project_id = {projectId:String} AND profile_id IN {ids:Array(String)}',
    ]);
    expect([...s.sessions, ...s.profiles].join('\n')).not.toMatch(/ON CLUSTER|_local/);
  });
});
