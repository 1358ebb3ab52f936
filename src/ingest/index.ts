export * from './ingest.module';
export * from './ingest.service';
export * from './ingest.types';
export * from './ingest-checks';
export * from './ingest-counts';
export { IngestWriters } from './ingest-writers.service';
