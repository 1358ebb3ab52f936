import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest';
import { TrackController } from './track.controller';
import { TrackService } from './track.service';

@Module({ imports: [IngestModule], controllers: [TrackController], providers: [TrackService] })
export class TrackModule {}
