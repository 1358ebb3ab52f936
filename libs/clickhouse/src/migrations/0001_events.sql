-- Events, one row per tracked event. Columns follow OpenPanel's events table.
CREATE TABLE IF NOT EXISTS {{db}}.{{local:events}} {{on_cluster}}
(
  id UUID,
  name LowCardinality(String),
  device_id String,
  profile_id String,
  project_id String,
  session_id String,
  groups Array(String),
  path String,
  origin String,
  referrer String,
  referrer_name String,
  referrer_type LowCardinality(String),
  revenue UInt64,
  duration UInt64,
  properties Map(String, String),
  created_at DateTime64(3, 'UTC'),
  country LowCardinality(String),
  country_code LowCardinality(String),
  city String,
  region LowCardinality(String),
  longitude Nullable(Float32),
  latitude Nullable(Float32),
  os LowCardinality(String),
  os_version LowCardinality(String),
  browser LowCardinality(String),
  browser_version LowCardinality(String),
  device LowCardinality(String),
  brand LowCardinality(String),
  model LowCardinality(String),
  sdk_name LowCardinality(String),
  sdk_version LowCardinality(String),
  imported_at Nullable(DateTime64(3, 'UTC'))
)
ENGINE = {{engine:MergeTree()}}
PARTITION BY toYYYYMM(created_at)
ORDER BY (project_id, toDate(created_at), created_at, name);

{{distributed:events:cityHash64(project_id, device_id)}}
