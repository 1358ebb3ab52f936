import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest';
import { CaptureHttpSetup } from './capture-http.setup';
import { CaptureIngestService } from './capture-ingest.service';
import { CommandersActController } from './commanders-act/commanders-act.controller';
import { CommandersActCredentials } from './commanders-act/commanders-act.credentials';
import { CommandersActService } from './commanders-act/commanders-act.service';
import { PosthogStubsController } from './posthog/posthog-stubs.controller';
import { PosthogController } from './posthog/posthog.controller';
import { PosthogCredentials } from './posthog/posthog.credentials';
import { PosthogService } from './posthog/posthog.service';
import { SegmentController } from './segment/segment.controller';
import { SegmentCredentials } from './segment/segment.credentials';
import { SegmentService } from './segment/segment.service';

/**
 * Capture-compatible endpoints (PostHog, Segment, Commanders Act): one folder per wire format,
 * each decoding into the one ingestion batch (IngestBatch); none writes to a store.
 */
@Module({
  imports: [IngestModule],
  controllers: [PosthogController, PosthogStubsController, SegmentController, CommandersActController],
  providers: [
    CaptureHttpSetup,
    CaptureIngestService,
    PosthogCredentials,
    PosthogService,
    SegmentCredentials,
    SegmentService,
    CommandersActCredentials,
    CommandersActService,
  ],
})
export class CaptureModule {}
