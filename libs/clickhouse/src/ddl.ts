/** Where ClickHouse DDL lands: one database, optionally replicated across a cluster. */
export interface DdlTarget {
  database: string;
  cluster?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function ident(kind: string, value: string): string {
  if (!IDENT.test(value)) throw new Error(`invalid ClickHouse ${kind}: ${value}`);
  return value;
}

/**
 * Renders a migration written for a single node into the statements for `target`.
 * Placeholders: `{{db}}`, `{{on_cluster}}`, `{{local:T}}` (the table that holds rows:
 * `T_local` on a cluster), `{{engine:E(args)}}` (`ReplicatedE(args)` on a cluster, using the
 * server's default replica path) and `{{distributed:T:shardKey}}` (a Distributed table `T`
 * over `T_local` on a cluster, nothing on a single node) and `{{alter_distributed:T:clause}}`
 * (the same ALTER on that Distributed table, so its columns follow the local table's). Only configuration values, never
 * user input, reach these statements, and they are checked as identifiers.
 */
export function renderDdl(sql: string, target: DdlTarget): string[] {
  const db = ident('database', target.database);
  const cluster = target.cluster ? ident('cluster', target.cluster) : undefined;
  const onCluster = cluster ? `ON CLUSTER '${cluster}'` : '';
  const rendered = sql
    .replace(/^\s*--.*$/gm, '')
    .replace(/\{\{distributed:(\w+):([^}]+)\}\}/g, (_m, table: string, key: string) =>
      cluster
        ? `CREATE TABLE IF NOT EXISTS ${db}.${table} ${onCluster} AS ${db}.${table}_local ENGINE = Distributed('${cluster}', '${db}', '${table}_local', ${key});`
        : '',
    )
    .replace(/\{\{alter_distributed:(\w+):([^}]+)\}\}/g, (_m, table: string, clause: string) =>
      cluster ? `ALTER TABLE ${db}.${table} ${onCluster} ${clause};` : '',
    )
    .replace(/\{\{local:(\w+)\}\}/g, (_m, table: string) => (cluster ? `${table}_local` : table))
    .replace(/\{\{engine:(\w+)\(([^)]*)\)\}\}/g, (_m, engine: string, args: string) => `${cluster ? 'Replicated' : ''}${engine}(${args})`)
    .replace(/\{\{on_cluster\}\}/g, onCluster)
    .replace(/\{\{db\}\}/g, db);
  const leftover = rendered.match(/\{\{[^}]*\}\}/);
  if (leftover) throw new Error(`unknown placeholder ${leftover[0]} in ClickHouse migration`);
  return rendered
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}
