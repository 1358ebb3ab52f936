import { Module } from '@nestjs/common';
import { BatchApplier } from './batch-applier.service';
import { IngestCounts } from './ingest-counts';
import { IngestWriters } from './ingest-writers.service';
import { IngestService } from './ingest.service';
import { ProfilesService } from './profiles.service';
import { SaltsService } from './salts.service';

/** The ingestion pipeline, imported by every source module (track, capture). */
@Module({
  providers: [IngestService, BatchApplier, IngestWriters, ProfilesService, SaltsService, IngestCounts],
  // The counts and the writers are exported for the metrics module, which only reads them.
  exports: [IngestService, BatchApplier, IngestCounts, IngestWriters],
})
export class IngestModule {}
