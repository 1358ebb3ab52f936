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

  it('refuses names that are not identifiers and unknown placeholders', () => {
    expect(() => renderDdl('SELECT 1 FROM {{db}}.x', { database: 'a; DROP' })).toThrow(/invalid ClickHouse database/);
    expect(() => renderDdl('{{nope}}', { database: 'db' })).toThrow(/unknown placeholder/);
  });
});
