import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline';
import { DeviceIdController } from './legacy/device-id.controller';
import { EventController } from './legacy/event.controller';
import { LegacyService } from './legacy/legacy.service';
import { ProfileController } from './legacy/profile.controller';
import { TrackController } from './track.controller';
import { TrackService } from './track.service';

@Module({
  imports: [PipelineModule],
  controllers: [TrackController, DeviceIdController, ProfileController, EventController],
  providers: [TrackService, LegacyService],
})
export class TrackModule {}
