export * from './ingest.module';
export * from './ingest.service';
export * from './batch-applier.service';
export * from './ingest.types';
export * from './ingest-counts';
export { EventSinkService } from './event-sink.service';
