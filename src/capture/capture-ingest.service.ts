import { Injectable, Logger } from '@nestjs/common';
import type { IngestBatch } from '@app/ingest';
import { BatchApplier, IngestService, type IngestSource } from '../pipeline';

/** Dropped items named in the log line of one request; the count says how many there were. */
const LOGGED_DROPS = 5;

/**
 * Hands what a capture adapter decoded to the one dispatcher; adapters never write to a store.
 * Capture SDKs get 200 for a request whatever its items, so what was left out is told here.
 */
@Injectable()
export class CaptureIngestService {
  private readonly logger = new Logger('Capture');

  constructor(
    private readonly batches: BatchApplier,
    private readonly ingest: IngestService,
  ) {}

  /**
   * Applies the batch (BatchApplier.apply); resolves once its events are durable. Items the
   * adapter dropped, or a store refused, are logged once per request (which field broke which
   * rule, never the values) and counted; the request is answered as usual.
   */
  async apply(source: IngestSource, batch: IngestBatch, wire: string): Promise<void> {
    if (batch.dropped.length > 0) {
      this.logLeftOut(source, wire, 'dropped', batch.dropped);
      this.ingest.countRejected(source, batch.dropped.length);
    }
    const { refused } = await this.batches.apply(source, batch);
    if (refused.length > 0) {
      this.logLeftOut(
        source,
        wire,
        'refused',
        refused.map((r) => ({ index: r.index, reason: r.error.message })),
      );
      this.ingest.countRejected(source, refused.length);
    }
  }

  private logLeftOut(source: IngestSource, wire: string, what: string, items: { index: number; reason: string }[]): void {
    const named = items.slice(0, LOGGED_DROPS).map((d) => `item ${d.index}: ${d.reason}`);
    this.logger.warn(
      `${wire} request for project ${source.projectId}: ${items.length} item(s) ${what} (${named.join('; ')}${items.length > LOGGED_DROPS ? '; …' : ''})`,
    );
  }
}
