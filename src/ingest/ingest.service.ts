import { Injectable } from '@nestjs/common';
import type { IncomingEvent } from '@app/ingest';
import type { EventOutcome, GroupUpdate, IngestSource, ProfileUpdate } from './ingest.types';

function pending(what: string): never {
  throw new Error(`IngestService.${what} is being built (issue 7)`);
}

/**
 * The one ingestion pipeline every source uses (OpenPanel /track, PostHog, Segment,
 * Commanders Act): enrichment, device and session ids, the event writer and profiles.
 */
@Injectable()
export class IngestService {
  /** Enriches and stores events; resolves once each is durable. 503 when the buffer is full. */
  async ingestEvents(_source: IngestSource, _events: IncomingEvent[]): Promise<EventOutcome[]> {
    pending('ingestEvents');
  }

  /** identify: upsert of the profile (PostgreSQL), mirrored to ClickHouse. */
  async identify(_source: IngestSource, _update: ProfileUpdate): Promise<void> {
    pending('identify');
  }

  /** increment (delta > 0) / decrement (delta < 0) of a numeric profile property, atomically. */
  async increment(_source: IngestSource, _profileId: string, _property: string, _delta: number): Promise<void> {
    pending('increment');
  }

  /** Later events sent under `alias` are attributed to `profileId`. */
  async alias(_source: IngestSource, _profileId: string, _alias: string): Promise<void> {
    pending('alias');
  }

  async upsertGroup(_source: IngestSource, _group: GroupUpdate): Promise<void> {
    pending('upsertGroup');
  }

  async assignGroups(_source: IngestSource, _profileId: string, _groupIds: string[]): Promise<void> {
    pending('assignGroups');
  }

  /** Resolves once every acknowledged event is visible to queries. */
  async drain(): Promise<void> {}
}
