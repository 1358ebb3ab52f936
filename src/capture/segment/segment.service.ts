import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CaptureIngestService } from '../capture-ingest.service';
import { captureContext } from '../capture-context';
import { segmentBatch, segmentMessages, type SegmentType } from './segment-messages';

@Injectable()
export class SegmentService {
  constructor(private readonly ingest: CaptureIngestService) {}

  /** Stores one call, or a batch, that the credentials reader parsed; resolves once durable. */
  async handle(req: FastifyRequest, route: SegmentType | 'batch'): Promise<void> {
    const source = this.ingest.source(req);
    const messages = segmentMessages(route, req.captured);
    await this.ingest.apply(source, segmentBatch(messages, { ...captureContext(req), projectId: source.projectId }), 'Segment');
  }
}
