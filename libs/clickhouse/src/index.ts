export * from './ddl';
export * from './datetime';
export * from './migrations';
export * from './clickhouse.service';
export * from './clickhouse.module';
export * from './table-writer';
