import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline';
import { CaptureHttpSetup } from './capture-http.setup';
import { CaptureIngestService } from './capture-ingest.service';
import { CommandersActController } from './commanders-act/commanders-act.controller';
import { CommandersActRequestDecoder } from './commanders-act/commanders-act-request.decoder';
import { CommandersActService } from './commanders-act/commanders-act.service';
import { PosthogStubsController } from './posthog/posthog-stubs.controller';
import { PosthogController } from './posthog/posthog.controller';
import { PosthogRequestDecoder } from './posthog/posthog-request.decoder';
import { PosthogService } from './posthog/posthog.service';
import { SegmentController } from './segment/segment.controller';
import { SegmentRequestDecoder } from './segment/segment-request.decoder';
import { SegmentService } from './segment/segment.service';

/**
 * Capture-compatible endpoints (PostHog, Segment, Commanders Act): one folder per wire format,
 * each decoding into the one ingestion batch (IngestBatch); none writes to a store.
 */
@Module({
  imports: [PipelineModule],
  controllers: [PosthogController, PosthogStubsController, SegmentController, CommandersActController],
  providers: [
    CaptureHttpSetup,
    CaptureIngestService,
    PosthogRequestDecoder,
    PosthogService,
    SegmentRequestDecoder,
    SegmentService,
    CommandersActRequestDecoder,
    CommandersActService,
  ],
})
export class CaptureModule {}
