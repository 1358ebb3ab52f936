export * from './ddl';
export { fromClickhouseDateTime, toClickhouseDateTime } from '@app/common';
export * from './migrations';
export * from './clickhouse.service';
export * from './clickhouse.module';
export * from './table-writer';
export * from './create-table-writer';
