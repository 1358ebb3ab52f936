export * from './ingest.module';
export * from './ingest.service';
export * from './ingest.types';
export * from './ingest-checks';
