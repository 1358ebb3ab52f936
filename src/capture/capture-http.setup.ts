import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { CAPTURE_CONFIG } from './capture-route.decorator';

/** Content type under which capture bodies reach Fastify: its parser leaves the stream unread. */
const RAW_CAPTURE_BODY = 'application/x-capture-raw';
const TWIN_CONFIG = 'captureTwin';

function allowCors(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (origin) {
    void reply.header('access-control-allow-origin', origin);
    void reply.header('access-control-allow-credentials', 'true');
    void reply.header('vary', 'Origin');
  } else {
    void reply.header('access-control-allow-origin', '*');
  }
}

/**
 * Capture routes (@CaptureRoute) need three things Nest does not offer per route, set up here
 * on Fastify before Nest registers its routes:
 * - the raw body: senders post gzip as text/plain, form bodies, JSON with Content-Encoding, or
 *   no content type at all. The route's Content-Type is swapped for a private one whose parser
 *   leaves the stream unread; the adapter reads it with its own size limit and decoding;
 * - a trailing-slash twin of each path (PostHog SDKs call `/e/`, `/batch/`, `/flags/?v=2`), as
 *   Nest strips trailing slashes from route paths;
 * - permissive CORS (the origin mirrored, credentials allowed) and a 200 to preflights.
 */
@Injectable()
export class CaptureHttpSetup {
  private readonly preflights = new Set<string>();

  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addContentTypeParser(RAW_CAPTURE_BODY, (_request, _payload, done) => done(null, undefined));
    fastify.addHook('onRoute', (route) => this.onRoute(fastify, route));
  }

  private onRoute(fastify: FastifyInstance, route: RouteOptions): void {
    const config = route.config as Record<string, unknown> | undefined;
    if (!config?.[CAPTURE_CONFIG] || config[TWIN_CONFIG] || route.method === 'HEAD' || route.method === 'OPTIONS') return;
    route.onRequest = [...(route.onRequest ? [route.onRequest].flat() : []), prepareCaptureRequest];
    const { method, handler, constraints, schema, onRequest } = route;
    fastify.route({ method, handler, constraints, schema, onRequest, url: `${route.url}/`, config: { ...config, [TWIN_CONFIG]: true } });
    for (const url of [route.url, `${route.url}/`]) {
      if (this.preflights.has(url)) continue;
      this.preflights.add(url);
      fastify.route({ method: 'OPTIONS', url, handler: preflight, config: { [TWIN_CONFIG]: true } });
    }
  }
}

async function prepareCaptureRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  allowCors(request, reply);
  request.captureContentType = request.headers['content-type'];
  request.headers['content-type'] = RAW_CAPTURE_BODY;
}

async function preflight(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  allowCors(request, reply);
  void reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
  void reply.header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '*');
  void reply.header('access-control-max-age', '86400');
  await reply.status(200).send();
}
