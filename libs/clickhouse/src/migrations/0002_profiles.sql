-- Mirror of PostgreSQL profiles so charts can filter and break down by profile.*.
-- PostgreSQL stays the source of truth; the highest version of a row wins.
CREATE TABLE IF NOT EXISTS {{db}}.{{local:profiles}} {{on_cluster}}
(
  id String,
  project_id String,
  first_name String,
  last_name String,
  email String,
  avatar String,
  properties Map(String, String),
  is_external Bool,
  created_at DateTime64(3, 'UTC'),
  version UInt64
)
ENGINE = {{engine:ReplacingMergeTree(version)}}
ORDER BY (project_id, id);

{{distributed:profiles:cityHash64(project_id, id)}}
