import { Module } from '@nestjs/common';
import { BatchApplier } from './batch-applier.service';
import { IngestCounts } from './ingest-counts';
import { IngestWriters } from './ingest-writers.service';
import { EventEnricher } from './event-enricher.service';
import { EventImporter } from './event-importer.service';
import { IngestService } from './ingest.service';
import { ProfileChanges } from './profile-changes.service';
import { ProfilesService } from './profiles.service';
import { SaltsService } from './salts.service';

/** The ingestion pipeline, imported by every source module (track, capture, import). */
@Module({
  providers: [
    IngestService,
    EventEnricher,
    EventImporter,
    ProfileChanges,
    BatchApplier,
    IngestWriters,
    ProfilesService,
    SaltsService,
    IngestCounts,
  ],
  // The counts and the writers are exported for the metrics module, which only reads them;
  // ProfilesService for erasures, which clear its alias cache.
  exports: [IngestService, EventEnricher, EventImporter, ProfileChanges, BatchApplier, IngestCounts, IngestWriters, ProfilesService],
})
export class PipelineModule {}
