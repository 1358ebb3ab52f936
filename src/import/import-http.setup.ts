import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorCodes, type FastifyInstance } from 'fastify';

/** Route config key of routes that read an NDJSON body as it streams (`@RouteConfig({ [NDJSON_STREAM]: true })`). */
export const NDJSON_STREAM = 'ndjsonStream';

/** The media types of NDJSON bodies. */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'];

/**
 * Lets the import route read an NDJSON body while it streams in, at constant memory whatever
 * its size: the parser of these media types leaves the body unread (the handler reads the raw
 * request), on routes that ask for it; any other route answers them 415, as it answers every
 * media type but JSON.
 */
@Injectable()
export class ImportHttpSetup {
  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addContentTypeParser(NDJSON_TYPES, (request, _payload, done) => {
      const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
      if (config?.[NDJSON_STREAM]) done(null, undefined);
      else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']), undefined);
    });
  }
}
