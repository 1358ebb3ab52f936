export * from './ddl';
export * from './migrations';
export * from './clickhouse.service';
export * from './clickhouse.module';
export * from './table-writer';
export * from './create-table-writer';
export { serialiseRows } from './row-text';
export * from './retention';
export * from './server-client-options';
