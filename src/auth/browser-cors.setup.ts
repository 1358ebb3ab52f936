import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/**
 * Fastify route config flag (`@RouteConfig({ [BROWSER_CORS]: true })`) of an ingestion route
 * that browsers call from a site's own origin (OpenPanel's web tracker posts to /track).
 */
export const BROWSER_CORS = 'browserCors';

const PREFLIGHT = 'browserCorsPreflight';

/**
 * Preflights of browser ingestion routes. A preflight carries no credentials (only the
 * names of the headers to come), so it is answered for any origin; whether the browser may
 * read the real answer is decided by ClientAuthGuard once it knows the client:
 * `Access-Control-Allow-Origin` is set for an origin in the project's CORS list, or any origin
 * of a public client, and left out otherwise.
 */
@Injectable()
export class BrowserCorsSetup {
  private readonly preflights = new Set<string>();

  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRoute', (route) => this.onRoute(fastify, route));
  }

  private onRoute(fastify: FastifyInstance, route: RouteOptions): void {
    const config = route.config as Record<string, unknown> | undefined;
    if (!config?.[BROWSER_CORS] || config[PREFLIGHT] || this.preflights.has(route.url)) return;
    this.preflights.add(route.url);
    fastify.route({ method: 'OPTIONS', url: route.url, handler: preflight, config: { [PREFLIGHT]: true } });
  }
}

async function preflight(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const origin = request.headers.origin;
  void reply.header('access-control-allow-origin', typeof origin === 'string' && origin ? origin : '*');
  void reply.header('vary', 'Origin');
  void reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
  void reply.header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'content-type');
  void reply.header('access-control-max-age', '86400');
  await reply.status(204).send();
}
