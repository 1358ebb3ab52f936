import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest';
import { DeviceIdController } from './legacy/device-id.controller';
import { EventController } from './legacy/event.controller';
import { LegacyService } from './legacy/legacy.service';
import { ProfileController } from './legacy/profile.controller';
import { TrackController } from './track.controller';
import { TrackService } from './track.service';

@Module({ imports: [IngestModule], controllers: [TrackController, DeviceIdController, ProfileController, EventController], providers: [TrackService, LegacyService] })
export class TrackModule {}
