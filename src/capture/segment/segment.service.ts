import { Injectable } from '@nestjs/common';
import type { IngestContext } from '../../auth';
import { CaptureIngestService } from '../capture-ingest.service';
import { captureContext } from '../capture-context';
import { segmentBatch, segmentMessages, type SegmentType } from './segment-messages';

@Injectable()
export class SegmentService {
  constructor(private readonly ingest: CaptureIngestService) {}

  /** Stores one call, or a batch, that the credentials decoder parsed; resolves once durable. */
  async handle(ctx: IngestContext, route: SegmentType | 'batch', body: unknown): Promise<void> {
    const messages = segmentMessages(route, body);
    await this.ingest.apply(ctx.source, segmentBatch(messages, captureContext(ctx)), 'Segment');
  }
}
