import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ingestChannelOf, IngestService, type IngestSource } from '../ingest';
import type { CaptureBatch, CaptureUpdate } from './capture-batch';

/** Dropped items named in the log line of one request; the count says how many there were. */
const LOGGED_DROPS = 5;

/** Hands what an adapter decoded to the one ingestion pipeline; adapters never write to a store. */
@Injectable()
export class CaptureIngestService {
  private readonly logger = new Logger('Capture');

  constructor(private readonly ingest: IngestService) {}

  /** The project and trust of the client the guard authenticated, and the route's channel. */
  source(req: FastifyRequest): IngestSource {
    const auth = req.auth!;
    return { projectId: auth.client.projectId!, trusted: auth.withSecret, channel: ingestChannelOf(req)! };
  }

  /**
   * Profile, alias and group changes first, in the order sent (an `$identify` before the events
   * that follow it), then the events in one call: resolves once they are durable. Items the
   * adapter dropped are logged once per request (which field broke which rule, never the
   * values); the request is answered as usual.
   */
  async apply(source: IngestSource, batch: CaptureBatch, wire: string): Promise<void> {
    if (batch.dropped.length > 0) {
      const named = batch.dropped.slice(0, LOGGED_DROPS).map((d) => `item ${d.index}: ${d.reason}`);
      this.logger.warn(`${wire} request for project ${source.projectId}: ${batch.dropped.length} item(s) dropped (${named.join('; ')}${batch.dropped.length > LOGGED_DROPS ? '; …' : ''})`);
      this.ingest.countRejected(source, batch.dropped.length);
    }
    for (const update of batch.updates) await this.update(source, update);
    if (batch.events.length > 0) await this.ingest.ingestEvents(source, batch.events);
  }

  private update(source: IngestSource, u: CaptureUpdate): Promise<void> {
    switch (u.kind) {
      case 'profile':
        return this.ingest.identify(source, u.update);
      case 'alias':
        return this.ingest.alias(source, u.profileId, u.alias);
      case 'group':
        return this.ingest.upsertGroup(source, u.group);
      case 'assign':
        return this.ingest.assignGroups(source, u.profileId, u.groupIds);
      default: {
        const unreachable: never = u;
        throw new Error(`unknown capture update ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
