-- Sessions: one row per device's run of events with no gap of 30 minutes or more, in event
-- time. The session builder (src/sessions) computes them from `events` and writes only what
-- changed: a cancel row (sign -1, the old row's sort key and version) and the new state
-- (sign +1, version + 1). Readers group by id with sum(sign) > 0 and argMax by version, so
-- pairs that have not collapsed yet cancel out. `id` is in the sort key because rows
-- collapse by sort key and version: without it, two sessions starting at the same instant
-- would cancel each other. Column names follow OpenPanel's sessions table.
CREATE TABLE IF NOT EXISTS {{db}}.{{local:sessions}} {{on_cluster}}
(
  id String,
  project_id String,
  device_id String,
  profile_id String,
  created_at DateTime64(3, 'UTC'),
  ended_at DateTime64(3, 'UTC'),
  duration UInt64,
  event_count UInt32,
  screen_view_count UInt32,
  is_bounce UInt8,
  entry_origin LowCardinality(String),
  entry_path String,
  exit_origin LowCardinality(String),
  exit_path String,
  referrer String,
  referrer_name String,
  referrer_type LowCardinality(String),
  utm_source String,
  utm_medium String,
  utm_campaign String,
  utm_content String,
  utm_term String,
  country LowCardinality(String),
  country_code LowCardinality(String),
  region LowCardinality(String),
  city String,
  longitude Nullable(Float32),
  latitude Nullable(Float32),
  os LowCardinality(String),
  os_version LowCardinality(String),
  browser LowCardinality(String),
  browser_version LowCardinality(String),
  device LowCardinality(String),
  brand LowCardinality(String),
  model LowCardinality(String),
  revenue UInt64,
  sign Int8,
  version UInt64,
  -- The builder looks up the sessions overlapping a time window: created_at bounds it through
  -- the sort key, this index skips the older granules whose sessions all ended before it.
  INDEX ended_at_minmax ended_at TYPE minmax GRANULARITY 1
)
ENGINE = {{engine:VersionedCollapsingMergeTree(sign, version)}}
PARTITION BY toYYYYMM(created_at)
ORDER BY (project_id, toDate(created_at), created_at, id);

-- Sessions of a device stay on the shard of its events, so a cancel row meets its pair.
{{distributed:sessions:cityHash64(project_id, device_id)}}

-- What the builder still has to look at: per insert block, each device seen and the span of
-- event time it covered. A marker is enough; the builder re-reads the events themselves.
-- Markers older than the builder's checkpoint are useless; the TTL keeps a month of them so
-- a builder stopped for a while still finds its backlog.
CREATE TABLE IF NOT EXISTS {{db}}.{{local:session_dirty}} {{on_cluster}}
(
  project_id String,
  device_id String,
  first_at DateTime64(3, 'UTC'),
  last_at DateTime64(3, 'UTC'),
  inserted_at DateTime64(3, 'UTC')
)
ENGINE = {{engine:MergeTree()}}
PARTITION BY toYYYYMMDD(inserted_at)
ORDER BY (project_id, inserted_at)
TTL toDateTime(inserted_at) + INTERVAL 30 DAY;

{{distributed:session_dirty:cityHash64(project_id, device_id)}}

-- Fires on every insert into the table holding events (on a cluster, each shard's local
-- table). The embedded engine inserts into `events_ingest`, whose own view moves the rows into
-- `events` within the same statement; views attached to a view's target fire for those rows
-- too (checked on chDB in libs/analytics/src/sessions.engine.spec.ts), so this one view sees
-- every event whichever table it was sent to. Events without a device have no session.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_dirty_mv {{on_cluster}} TO {{db}}.{{local:session_dirty}} AS
SELECT project_id, device_id, min(created_at) AS first_at, max(created_at) AS last_at, now64(3) AS inserted_at
FROM {{db}}.{{local:events}}
WHERE device_id != ''
GROUP BY project_id, device_id;

-- How far the builder has read `session_dirty` (by inserted_at), so a restart resumes there.
CREATE TABLE IF NOT EXISTS {{db}}.{{local:session_checkpoint}} {{on_cluster}}
(
  name String,
  inserted_at DateTime64(3, 'UTC'),
  updated_at DateTime64(3, 'UTC')
)
ENGINE = {{engine:ReplacingMergeTree(updated_at)}}
ORDER BY name;

{{distributed:session_checkpoint:cityHash64(name)}}
