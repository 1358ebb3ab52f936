import type { FastifyRequest } from 'fastify';
import { firstHeader } from '../auth';
import type { IngestSource } from '../ingest';

/** What every item of one request shares: who sent it, from where, when. */
export interface RequestContext {
  source: IngestSource;
  receivedAt: Date;
  ip: string;
  userAgent: string;
  sdkName?: string;
  sdkVersion?: string;
  origin?: string;
}

/** The context of an ingestion request the guard admitted (it leaves `request.auth`). */
export function requestContext(req: FastifyRequest): RequestContext {
  const auth = req.auth!;
  return {
    source: { projectId: auth.client.projectId!, trusted: auth.withSecret, channel: 'openpanel' },
    receivedAt: new Date(),
    ip: auth.ip,
    userAgent: firstHeader(req, 'user-agent') ?? '',
    sdkName: firstHeader(req, 'openpanel-sdk-name'),
    sdkVersion: firstHeader(req, 'openpanel-sdk-version'),
    origin: firstHeader(req, 'origin'),
  };
}
