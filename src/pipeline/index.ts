export * from './pipeline.module';
export * from './ingest.service';
export * from './batch-applier.service';
export * from './event-enricher.service';
export * from './profile-changes.service';
export * from './ingest.types';
export * from './ingest-counts';
export { IngestWriters } from './ingest-writers.service';
export { ProfilesService, ALIAS_TTL_MS } from './profiles.service';
