import { Module } from '@nestjs/common';
import { EventSinkService } from './event-sink.service';
import { IngestService } from './ingest.service';
import { ProfilesService } from './profiles.service';
import { SaltsService } from './salts.service';

/** The ingestion pipeline, imported by every source module (track, capture). */
@Module({
  providers: [IngestService, EventSinkService, ProfilesService, SaltsService],
  exports: [IngestService],
})
export class IngestModule {}
