import { Injectable } from '@nestjs/common';
import { ApiError } from '@app/common';
import { IngestBatch } from '@app/ingest';
import type { IngestContext } from '../auth';
import { BatchApplier, EventEnricher, IngestService } from '../pipeline';
import { checkTrackItem, type TrackItem } from './track-checks';
import { addTrackItem, needsDeviceId, trackBatch } from './track-items';

export interface TrackAnswer {
  deviceId: string;
  sessionId: string;
}

export type TrackOutcome = { kind: 'ok'; answer: TrackAnswer } | { kind: 'bot'; bot: { name: string; type: string } };

export interface BatchAnswer {
  accepted: number;
  rejected: { index: number; error: string }[];
}

/**
 * OpenPanel's /track on the ingestion pipeline: the items become a batch (track-items.ts),
 * which BatchApplier applies; this answers as OpenPanel does. A single call is checked by
 * its route's schema first; batch items are checked one by one by the adapter.
 */
@Injectable()
export class TrackService {
  constructor(
    private readonly ingest: IngestService,
    private readonly enricher: EventEnricher,
    private readonly batches: BatchApplier,
  ) {}

  /**
   * One item of one request; `payloadAt` is where the payload is in the request's body
   * (nowhere for OpenPanel's legacy POST /event, whose body is a track payload). An item
   * other than an event answers the sender's device id, and no session.
   */
  async track(ctx: IngestContext, item: TrackItem, idempotencyKey?: string, payloadAt: string[] = ['payload']): Promise<TrackOutcome> {
    const problem = checkTrackItem(item);
    if (problem)
      throw ApiError.badRequest('Invalid request', [{ path: [...payloadAt, ...problem.path.slice(1)], message: problem.message }]);
    const deviceId = item.type === 'track' ? undefined : await this.enricher.deviceIdFor(ctx.source, ctx.ip, ctx.userAgent);
    const batch = new IngestBatch();
    addTrackItem(batch, 0, item, { ctx, deviceId, idempotencyKey });
    const { outcomes, refused } = await this.batches.apply(ctx.source, batch);
    if (refused.length > 0) throw refused[0].error;
    const outcome = outcomes[0];
    if (!outcome) return { kind: 'ok', answer: { deviceId: deviceId ?? '', sessionId: '' } };
    if (outcome.status === 'bot') return { kind: 'bot', bot: outcome.bot };
    return { kind: 'ok', answer: { deviceId: outcome.deviceId, sessionId: outcome.sessionId } };
  }

  /**
   * Every item is checked first; then the profile and group work of the items, in their
   * order; then all their events in one durable write. A refused item is listed and leaves
   * nothing behind; a store that fails answers 503 before any event is written, so the retry
   * it asks for stores nothing twice. A bot's event is listed as not counted.
   */
  async batch(ctx: IngestContext, items: unknown[]): Promise<BatchAnswer> {
    const deviceId = needsDeviceId(items) ? await this.enricher.deviceIdFor(ctx.source, ctx.ip, ctx.userAgent) : undefined;
    const batch = trackBatch(items, { ctx, deviceId });
    const { outcomes, refused } = await this.batches.apply(ctx.source, batch);
    const rejected: BatchAnswer['rejected'] = batch.dropped.map((d) => ({ index: d.index, error: d.reason }));
    for (const r of refused) rejected.push({ index: r.index, error: r.error.message });
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i];
      if (o?.status === 'bot') rejected.push({ index: batch.itemOfEvent(i), error: `Bot traffic is not counted (${o.bot.name})` });
    }
    if (rejected.length > 0) this.ingest.countRejected(ctx.source, rejected.length);
    rejected.sort((a, b) => a.index - b.index);
    // Each item is refused or accepted: an event stored (or a retry of one), or a change applied.
    return { accepted: items.length - rejected.length, rejected };
  }
}
