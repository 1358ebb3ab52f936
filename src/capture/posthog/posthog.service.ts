import { Injectable } from '@nestjs/common';
import type { IngestContext } from '../../auth';
import { CaptureIngestService } from '../capture-ingest.service';
import { captureContext, str } from '../capture-context';
import { posthogBatch } from './posthog-events';
import type { PosthogEnvelope } from './posthog-envelope';

/** The query parameters of a capture request the events depend on. */
export type PosthogQuery = { _?: unknown; ip?: unknown };

@Injectable()
export class PosthogService {
  constructor(private readonly ingest: CaptureIngestService) {}

  /**
   * Stores the envelope the request's credentials decoder decoded; resolves once it is
   * durable. `engage`: the /engage routes, where an event without a name is an `$identify`.
   */
  async capture(ctx: IngestContext, envelope: PosthogEnvelope, query: PosthogQuery, engage: boolean): Promise<void> {
    const batch = posthogBatch(envelope, {
      ...captureContext(ctx),
      // posthog-js sends `?ip=1` (a flag, not an address): only an IP counts, see namedIp.
      namedIp: str(query.ip),
      sentAt: envelope.sentAt ?? query._,
      engage,
    });
    await this.ingest.apply(ctx.source, batch, 'PostHog');
  }
}
