export * from './ingest.module';
export * from './ingest.service';
export * from './batch-applier.service';
export * from './ingest.types';
export * from './ingest-counts';
export { IngestWriters } from './ingest-writers.service';
