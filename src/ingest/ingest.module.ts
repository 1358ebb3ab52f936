import { Module } from '@nestjs/common';
import { IngestService } from './ingest.service';

/** The ingestion pipeline, imported by every source module (track, capture). */
@Module({
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}
