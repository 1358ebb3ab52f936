import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { INGEST_CHANNEL, INGEST_CHANNELS, type IngestChannel } from './ingest.types';

/** Events of one channel by outcome, since the process started. */
export interface ChannelCounts {
  /** Written (or, for a retried id whose first write failed, written again). */
  accepted: number;
  /** A retried id already accepted: answered as stored, nothing written. */
  duplicate: number;
  /** A known bot's user agent from an untrusted sender: not counted. */
  bot: number;
  /** Items refused inside an answered request (a batch's `rejected`, a capture's dropped items). */
  rejected: number;
}

/**
 * What ingestion decided, as plain numbers a scrape reads (src/metrics): the hot path adds to a
 * field of an object made at start, and allocates nothing per event.
 */
@Injectable()
export class IngestCounts {
  readonly byChannel: Readonly<Record<IngestChannel, ChannelCounts>>;

  constructor() {
    const counts = {} as Record<IngestChannel, ChannelCounts>;
    for (const channel of INGEST_CHANNELS) counts[channel] = { accepted: 0, duplicate: 0, bot: 0, rejected: 0 };
    this.byChannel = counts;
  }
}

/** The channel an ingestion route declares in its route config; undefined on other routes. */
export function ingestChannelOf(request: FastifyRequest): IngestChannel | undefined {
  return (request.routeOptions.config as { [INGEST_CHANNEL]?: IngestChannel } | undefined)?.[INGEST_CHANNEL];
}
