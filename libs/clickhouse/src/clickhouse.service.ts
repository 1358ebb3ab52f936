import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Logger } from '@nestjs/common';
import type { RawInsertParams } from 'chdb';
import { type DdlTarget, renderDdl } from './ddl';
import { runClickhouseMigrations } from './migrations';
import { serverClientOptions } from './server-client-options';

/**
 * Settings of every insert. An escape ClickHouse cannot decode (a lone surrogate: rows are
 * written through `wellFormedJson`, so none should come) is stored as it is rather than failing
 * the insert: a failed insert is retried, and every row behind it waits.
 */
const INSERT_SETTINGS = { input_format_json_throw_on_bad_escape_sequence: 0 } as const;

/** Tables holding a project's rows (`session_dirty` too, so the builder finds nothing left to rebuild). */
const PROJECT_TABLES = ['events', 'profiles', 'sessions', 'session_dirty'] as const;

export interface ClickhouseOptions {
  /** http(s) URL of a ClickHouse server; undefined = embedded chDB at `path`. */
  url?: string;
  /** Data directory of the embedded engine. */
  path: string;
  database: string;
  cluster?: string;
}

/**
 * The one ClickHouse client of the process. Server and embedded engine differ only in how
 * the connection is made: the same `@clickhouse/client` API and the same SQL run on both.
 */
export class ClickhouseService {
  private readonly logger = new Logger('ClickHouse');
  readonly client: ClickHouseClient;
  /** The embedded engine's own insert, which takes the bytes without copying them. */
  private readonly rawInsert?: (params: RawInsertParams) => Promise<unknown>;
  readonly database: string;
  readonly target: DdlTarget;
  readonly embedded: boolean;

  constructor(private readonly options: ClickhouseOptions) {
    this.database = options.database;
    this.target = { database: options.database, cluster: options.cluster };
    this.embedded = !options.url;
    if (options.url) {
      this.client = createClient(serverClientOptions({ url: options.url, cluster: options.cluster }));
    } else {
      const connection = embeddedConnection(options.path);
      this.rawInsert = connection.chdb.rawInsert;
      this.client = createClient({ connection: connection as unknown as ClientConnection });
    }
  }

  /**
   * Inserts rows serialised as JSONCompactEachRow; `token` is the insert's deduplication token.
   * On chDB the buffer goes to the engine's parser as it is (the client's `exec` would first
   * turn it into a string and splice it into the SQL text: two copies of every batch on the
   * event loop), parsed on one thread, which costs less CPU in all than parallel parsing on a
   * machine where the API shares the cores. A server gets the bytes as the HTTP body.
   */
  async insertCompactRows(table: string, columns: readonly string[], body: Buffer, token: string): Promise<void> {
    if (this.rawInsert) {
      await this.rawInsert({
        table,
        columns,
        format: 'JSONCompactEachRow',
        values: body,
        // The token also names the blocks a materialized view writes on (events_ingest).
        settings: {
          ...INSERT_SETTINGS,
          insert_deduplication_token: token,
          input_format_parallel_parsing: 0,
          deduplicate_blocks_in_dependent_materialized_views: 1,
        },
      });
      return;
    }
    const result = await this.client.exec({
      query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`,
      values: Readable.from([body]),
      clickhouse_settings: { ...INSERT_SETTINGS, insert_deduplication_token: token },
    });
    // The answer of an INSERT is empty, but it must be read for the connection to be reused.
    for await (const _ of result.stream) void _;
  }

  /** `db.table`, for table names from code (never from requests). */
  table(name: string): string {
    return `${this.database}.${name}`;
  }

  /**
   * The table events are inserted through. The embedded engine takes them through
   * `events_ingest` (migration 0004): reading text into plain String columns and converting
   * whole columns in its view costs it less CPU per row than reading into `events`'s
   * LowCardinality columns. A server parses on its own cores and inserts into `events`.
   */
  get eventsInsertTable(): string {
    return this.table(this.embedded ? 'events_ingest' : 'events');
  }

  /**
   * Deletes a project's rows from every table holding them (on a cluster, from the local
   * tables of every shard) and waits until the deletes are done on every replica.
   */
  async deleteProjectRows(projectId: string): Promise<void> {
    for (const table of PROJECT_TABLES) {
      for (const query of renderDdl(
        `ALTER TABLE {{db}}.{{local:${table}}} {{on_cluster}} DELETE WHERE project_id = {projectId:String}`,
        this.target,
      )) {
        await this.client.command({ query, query_params: { projectId }, clickhouse_settings: { mutations_sync: '2' } });
      }
    }
  }

  async migrate(): Promise<void> {
    const ran = await runClickhouseMigrations(this.client, this.target);
    for (const m of ran) this.logger.log(`applied migration ${m.version}_${m.name}`);
  }

  async ping(): Promise<boolean> {
    const r = await this.client.ping();
    return r.success;
  }

  async close(): Promise<void> {
    await this.client.close();
    if (this.embedded) {
      // chDB binds one data directory per process; wait until it is really released.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the native engine is loaded only when embedded
      const { drainPending } = require('chdb') as { drainPending: () => Promise<void> };
      await drainPending();
    }
  }
}

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

function embeddedConnection(path: string): import('chdb/connection').ChdbConnection {
  // Loaded lazily: a deployment with CLICKHOUSE_URL never loads the native engine.
  // (chdb types the connection against its own copy of @clickhouse/client-common.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  const { createChdbConnection } = require('chdb/connection') as typeof import('chdb/connection');
  return createChdbConnection({ path });
}
