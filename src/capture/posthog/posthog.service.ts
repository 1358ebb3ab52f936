import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CaptureIngestService } from '../capture-ingest.service';
import { captureContext, str } from '../capture-context';
import { posthogBatch } from './posthog-events';
import { capturedEnvelope } from './posthog.credentials';

type CaptureQuery = { _?: unknown; ip?: unknown };

@Injectable()
export class PosthogService {
  constructor(private readonly ingest: CaptureIngestService) {}

  /** Stores what the request's credentials reader decoded; resolves once it is durable. */
  async capture(req: FastifyRequest): Promise<void> {
    const envelope = capturedEnvelope(req);
    const query = (req.query ?? {}) as CaptureQuery;
    const source = this.ingest.source(req);
    const context = captureContext(req);
    const batch = posthogBatch(envelope, {
      ...context,
      // posthog-js sends `?ip=1` (a flag, not an address): only an IP counts, see namedIp.
      namedIp: str(query.ip),
      projectId: source.projectId,
      sentAt: envelope.sentAt ?? query._,
      engage: req.routeOptions.url?.startsWith('/engage') === true,
    });
    await this.ingest.apply(source, batch, 'PostHog');
  }
}
