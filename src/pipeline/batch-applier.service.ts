import { Injectable } from '@nestjs/common';
import { ApiError } from '@app/common';
import type { IngestBatch, IngestUpdate } from '@app/ingest';
import { EventEnricher } from './event-enricher.service';
import { IngestService } from './ingest.service';
import type { AppliedBatch, EventOutcome, IngestSource, RefusedItem } from './ingest.types';
import { ProfileChanges } from './profile-changes.service';

/**
 * The one dispatcher of what a source's adapter made of a request (/track, PostHog, Segment,
 * Commanders Act): its profile and group changes, then its events.
 */
@Injectable()
export class BatchApplier {
  constructor(
    private readonly ingest: IngestService,
    private readonly changes: ProfileChanges,
    private readonly enricher: EventEnricher,
  ) {}

  /**
   * The changes first, in the order sent (an `$identify` or `__identify` before the events
   * that follow it), then every event in one durable write; resolves once they are durable. A
   * change the domain refuses (404 unknown profile, 400 not a number) refuses its item: its
   * later changes and its event are left out, the other items go on. A store that fails
   * answers 503 before any event is written, so the retry it asks for stores nothing twice.
   */
  async apply(source: IngestSource, batch: IngestBatch): Promise<AppliedBatch> {
    const refused: RefusedItem[] = [];
    const { updates } = batch;
    for (let i = 0; i < updates.length; i++) {
      const index = batch.itemOfUpdate(i);
      // The changes of one item are consecutive: a refused item is the last one refused.
      if (refused.length > 0 && refused[refused.length - 1].index === index) continue;
      const event = batch.eventOfUpdate(i);
      if (event && this.enricher.botOf(source, event)) continue;
      try {
        await this.update(source, updates[i]);
      } catch (error) {
        if (!(error instanceof ApiError) || error.kind === 'unavailable') throw error;
        refused.push({ index, error });
      }
    }
    if (batch.events.length === 0) return { outcomes: [], refused };
    if (refused.length === 0) return { outcomes: await this.ingest.ingestEvents(source, batch.events), refused };
    return { outcomes: await this.writeKept(source, batch, new Set(refused.map((r) => r.index))), refused };
  }

  /** The events of the items not refused, with their outcomes at their place in the batch. */
  private async writeKept(source: IngestSource, batch: IngestBatch, out: ReadonlySet<number>): Promise<(EventOutcome | undefined)[]> {
    const at: number[] = [];
    for (let i = 0; i < batch.events.length; i++) if (!out.has(batch.itemOfEvent(i))) at.push(i);
    const outcomes = new Array<EventOutcome | undefined>(batch.events.length);
    if (at.length === 0) return outcomes;
    const written = await this.ingest.ingestEvents(
      source,
      at.map((i) => batch.events[i]),
    );
    at.forEach((position, j) => (outcomes[position] = written[j]));
    return outcomes;
  }

  private update(source: IngestSource, u: IngestUpdate): Promise<void> {
    switch (u.kind) {
      case 'profile':
        return this.changes.identify(source, u.update);
      case 'alias':
        return this.changes.alias(source, u.profileId, u.alias);
      case 'group':
        return this.changes.upsertGroup(source, u.group);
      case 'assign':
        return this.changes.assignGroups(source, u.profileId, u.groupIds, u.isExternal);
      case 'increment':
        return this.changes.increment(source, u.profileId, u.property, u.delta);
      default: {
        const unreachable: never = u;
        throw new Error(`unknown ingestion update ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
