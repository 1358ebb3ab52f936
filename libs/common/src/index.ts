export * from './errors';
export * from './error-body';
export * from './validation';
export * from './uuid';
export * from './render-error';
export * from './api-exception.filter';
export * from './error-response.dto';
export * from './clickhouse-datetime';
