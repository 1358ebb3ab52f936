import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ingestChannelOf, type IngestSource } from '../pipeline';
import { authOf } from './current-client.decorator';
import { firstHeader } from './headers';

/** What every item of one ingestion request shares: who sent it, from where, when. */
export interface IngestContext {
  /** The project and trust of the client the guard authenticated, and the route's channel. */
  source: IngestSource;
  receivedAt: Date;
  /** The address the request's events are attributed to (client-ip.ts). */
  ip: string;
  /** The request's user agent, '' without one. */
  userAgent: string;
  origin?: string;
  /** OpenPanel SDKs name themselves in `openpanel-sdk-name` / `openpanel-sdk-version`. */
  sdkName?: string;
  sdkVersion?: string;
}

/**
 * The context of an ingestion request the guard admitted. The channel is the one the route
 * declares (`@RouteConfig({ [INGEST_CHANNEL]: … })`), which the metrics of refused requests
 * read too; the guard makes sure an ingesting client has a project.
 */
export function ingestContextOf(request: FastifyRequest): IngestContext {
  const auth = authOf(request);
  const channel = ingestChannelOf(request);
  const projectId = auth.client.projectId;
  if (!channel || !projectId) throw new Error(`${request.routeOptions.url ?? 'this route'} is not an ingestion route of a project client`);
  return {
    source: { projectId, trusted: auth.withSecret, channel },
    receivedAt: new Date(),
    ip: auth.ip,
    userAgent: firstHeader(request, 'user-agent') ?? '',
    origin: firstHeader(request, 'origin'),
    sdkName: firstHeader(request, 'openpanel-sdk-name'),
    sdkVersion: firstHeader(request, 'openpanel-sdk-version'),
  };
}

/** The ingestion context of the request, as a handler parameter (`@IngestContext() ctx: IngestContext`). */
export const IngestContext = createParamDecorator((_: unknown, context: ExecutionContext): IngestContext =>
  ingestContextOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
