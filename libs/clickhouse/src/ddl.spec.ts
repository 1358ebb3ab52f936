import { readFileSync } from 'node:fs';
import { listClickhouseMigrations } from './migrations';
import { renderDdl } from './ddl';

const events = readFileSync(listClickhouseMigrations().find((m) => m.name === 'events')!.file, 'utf8');

describe('renderDdl', () => {
  it('single node: a MergeTree table, no cluster clause, no Distributed table', () => {
    const stmts = renderDdl(events, { database: 'openpanel' });
    expect(stmts).toHaveLength(1);
    expect(stmts[0]).toMatch(/^CREATE TABLE IF NOT EXISTS openpanel\.events \(/);
    expect(stmts[0]).toContain(
      'ENGINE = MergeTree() PARTITION BY toYYYYMM(created_at) ORDER BY (project_id, toDate(created_at), created_at, name)',
    );
    expect(stmts[0]).not.toMatch(/ON CLUSTER|Replicated|Distributed/);
  });

  it('cluster: ON CLUSTER, Replicated engines on *_local and a Distributed table over them', () => {
    const stmts = renderDdl(events, { database: 'openpanel', cluster: 'main' });
    expect(stmts).toHaveLength(2);
    expect(stmts[0]).toMatch(/^CREATE TABLE IF NOT EXISTS openpanel\.events_local ON CLUSTER 'main' \(/);
    expect(stmts[0]).toContain('ENGINE = ReplicatedMergeTree()');
    expect(stmts[1]).toBe(
      "CREATE TABLE IF NOT EXISTS openpanel.events ON CLUSTER 'main' AS openpanel.events_local ENGINE = Distributed('main', 'openpanel', 'events_local', cityHash64(project_id, device_id))",
    );
    const profiles = renderDdl(readFileSync(listClickhouseMigrations().find((m) => m.name === 'profiles')!.file, 'utf8'), {
      database: 'db',
      cluster: 'c',
    });
    expect(profiles[0]).toContain('ENGINE = ReplicatedReplacingMergeTree(version)');
  });

  it('ALTERs reach the local table and, on a cluster, the Distributed table too', () => {
    const sql = readFileSync(listClickhouseMigrations().find((m) => m.version === 3)!.file, 'utf8');
    expect(renderDdl(sql, { database: 'db' })).toEqual([
      'ALTER TABLE db.profiles ADD COLUMN IF NOT EXISTS groups Array(String) AFTER properties',
      'ALTER TABLE db.events MODIFY SETTING non_replicated_deduplication_window = 10000',
    ]);
    expect(renderDdl(sql, { database: 'db', cluster: 'c' })).toEqual([
      "ALTER TABLE db.profiles_local ON CLUSTER 'c' ADD COLUMN IF NOT EXISTS groups Array(String) AFTER properties",
      "ALTER TABLE db.profiles ON CLUSTER 'c' ADD COLUMN IF NOT EXISTS groups Array(String) AFTER properties",
      "ALTER TABLE db.events_local ON CLUSTER 'c' MODIFY SETTING non_replicated_deduplication_window = 10000",
    ]);
  });

  it('sessions: a collapsing table, its markers and their view, per shard on a cluster', () => {
    const sql = readFileSync(listClickhouseMigrations().find((m) => m.name === 'sessions')!.file, 'utf8');
    const single = renderDdl(sql, { database: 'db' });
    expect(single).toHaveLength(4);
    expect(single[0]).toMatch(/^CREATE TABLE IF NOT EXISTS db\.sessions \(/);
    expect(single[0]).toContain(
      'ENGINE = VersionedCollapsingMergeTree(sign, version) PARTITION BY toYYYYMM(created_at) ORDER BY (project_id, toDate(created_at), created_at, id)',
    );
    expect(single[2]).toMatch(
      /^CREATE MATERIALIZED VIEW IF NOT EXISTS db\.session_dirty_mv TO db\.session_dirty AS SELECT .* FROM db\.events WHERE device_id != '' GROUP BY project_id, device_id$/,
    );
    expect(single.join('\n')).not.toMatch(/ON CLUSTER|Replicated|Distributed|--/);

    const cluster = renderDdl(sql, { database: 'db', cluster: 'c' });
    expect(cluster).toHaveLength(7);
    expect(cluster[0]).toMatch(/^CREATE TABLE IF NOT EXISTS db\.sessions_local ON CLUSTER 'c' \(/);
    expect(cluster[0]).toContain('ENGINE = ReplicatedVersionedCollapsingMergeTree(sign, version)');
    expect(cluster[1]).toBe(
      "CREATE TABLE IF NOT EXISTS db.sessions ON CLUSTER 'c' AS db.sessions_local ENGINE = Distributed('c', 'db', 'sessions_local', cityHash64(project_id, device_id))",
    );
    expect(cluster[4]).toMatch(
      /^CREATE MATERIALIZED VIEW IF NOT EXISTS db\.session_dirty_mv ON CLUSTER 'c' TO db\.session_dirty_local AS SELECT .* FROM db\.events_local /,
    );
    expect(cluster[5]).toContain('ENGINE = ReplicatedReplacingMergeTree(updated_at)');
  });

  it('refuses names that are not identifiers and unknown placeholders', () => {
    expect(() => renderDdl('SELECT 1 FROM {{db}}.x', { database: 'a; DROP' })).toThrow(/invalid ClickHouse database/);
    expect(() => renderDdl('{{nope}}', { database: 'db' })).toThrow(/unknown placeholder/);
  });
});
