import type { ClickHouseClientConfigOptions } from '@clickhouse/client';

export interface ServerClientConfig {
  /** http(s)://user:password@host:8123 of the server (any server of a cluster). */
  url: string;
  /** Set when the tables are Replicated and Distributed across this cluster. */
  cluster?: string;
}

/**
 * The options of the HTTP client for a ClickHouse server, each chosen on purpose (the
 * embedded engine has no transport: none of this applies to it).
 *
 * - `request_timeout` 60 s: longer than the largest insert (INGEST_FLUSH_ROWS rows) and the
 *   slowest report query need on a loaded server. A timed-out insert may still have been
 *   stored: the writer retries it with the same `insert_deduplication_token`, and ClickHouse
 *   drops the repeat (Replicated tables always, a single server through
 *   `non_replicated_deduplication_window`, migration 0003).
 * - `max_open_connections` 20 per node: inserts (one at a time per table), the session builder,
 *   exports (EXPORT_STREAMS) and report queries at once, without one waiting for a socket.
 * - keep-alive on, an idle socket dropped by the client after 2.5 s (below every server
 *   version's `keep_alive_timeout`, 3 s before 23.11), and stale sockets destroyed eagerly:
 *   a socket the server closed meanwhile is never reused (it would fail the request with
 *   ECONNRESET). Inserts every INGEST_FLUSH_MS (1 s) keep one socket warm.
 * - compression: answers compressed (gzip; exports and reports can be large, inflating costs
 *   the API little), request bodies not: an insert body is the write-ahead log's bytes as they
 *   are, and gzip of a 50,000-row batch costs the API node a few hundred ms of CPU, which it
 *   needs for ingestion; ClickHouse is normally on the same network.
 * - the client never retries on its own (@clickhouse/client has no retry): every retry is the
 *   writer's, so every retry carries the token of the range it repeats.
 * - `insert_deduplicate` 1 for every insert (the default, stated: the tokens rely on it; the
 *   session builder turns it off for its own writes). On a cluster,
 *   `distributed_foreground_insert` 1: an insert into a Distributed table (`events`, …) returns
 *   once every shard has its part, so an acknowledged range is on the shards, not in the
 *   initiator's local queue, and a retry is deduplicated by each shard's Replicated table
 *   (the sharding keys are deterministic, so a retry splits the same way).
 * - `application`: the client's name in the server's `system.query_log` (http_user_agent).
 */
export function serverClientOptions(config: ServerClientConfig): ClickHouseClientConfigOptions {
  return {
    url: config.url,
    application: 'openpanel-compatible-api',
    request_timeout: 60_000,
    max_open_connections: 20,
    keep_alive: { enabled: true, idle_socket_ttl: 2_500, eagerly_destroy_stale_sockets: true },
    compression: { response: true, request: false },
    clickhouse_settings: {
      insert_deduplicate: 1,
      ...(config.cluster ? { distributed_foreground_insert: 1 } : {}),
    },
  };
}
