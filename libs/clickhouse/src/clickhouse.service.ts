import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Logger } from '@nestjs/common';
import type { DdlTarget } from './ddl';
import { runClickhouseMigrations } from './migrations';

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
  readonly database: string;
  readonly target: DdlTarget;
  readonly embedded: boolean;

  constructor(private readonly options: ClickhouseOptions) {
    this.database = options.database;
    this.target = { database: options.database, cluster: options.cluster };
    this.embedded = !options.url;
    this.client = options.url
      ? createClient({ url: options.url, request_timeout: 60_000, max_open_connections: 20 })
      : createClient({ connection: embeddedConnection(options.path) });
  }

  /** `db.table`, for table names from code (never from requests). */
  table(name: string): string {
    return `${this.database}.${name}`;
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
      const { drainPending } = require('chdb') as { drainPending: () => Promise<void> };
      await drainPending();
    }
  }
}

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

function embeddedConnection(path: string): ClientConnection {
  // Loaded lazily: a deployment with CLICKHOUSE_URL never loads the native engine.
  const { createChdbConnection } = require('chdb/connection') as typeof import('chdb/connection');
  // chdb types the connection against its own copy of @clickhouse/client-common.
  return createChdbConnection({ path }) as unknown as ClientConnection;
}
