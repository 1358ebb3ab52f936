import { Injectable } from '@nestjs/common';
import type { IngestContext } from '../../auth';
import { CaptureIngestService } from '../capture-ingest.service';
import { captureContext } from '../capture-context';
import { commandersActBatch } from './commanders-act-events';

@Injectable()
export class CommandersActService {
  constructor(private readonly ingest: CaptureIngestService) {}

  /** Stores the event the credentials decoder parsed; resolves once it is durable. */
  async capture(ctx: IngestContext, body: Record<string, unknown>): Promise<void> {
    await this.ingest.apply(ctx.source, commandersActBatch(body, captureContext(ctx)), 'Commanders Act');
  }
}
