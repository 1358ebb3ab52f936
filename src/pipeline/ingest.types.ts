import type { ApiError } from '@app/common';

/** The wire formats events arrive in: the `source` label of the ingestion metrics. */
export const INGEST_CHANNELS = ['openpanel', 'posthog', 'segment', 'commanders_act'] as const;
export type IngestChannel = (typeof INGEST_CHANNELS)[number];

/**
 * Fastify route config key naming the channel of an ingestion route
 * (`@RouteConfig({ [INGEST_CHANNEL]: 'openpanel' })`): the handler's source and the metrics
 * of requests refused before the handler (a 400 of the body schema, a 503) both read it.
 */
export const INGEST_CHANNEL = 'ingestChannel';

/** Who sent a batch of events: decided by the adapter from the authenticated client. */
export interface IngestSource {
  projectId: string;
  channel: IngestChannel;
  /**
   * A secret was presented (server-side sender): bots are counted, `__revenue` is accepted,
   * and the event is not refused for its user agent.
   */
  trusted: boolean;
}

/** What happened to one event. */
export type EventOutcome =
  | { status: 'stored'; eventId: string; deviceId: string; sessionId: string }
  /** The id was already accepted (a retry): nothing new was written. */
  | { status: 'duplicate'; eventId: string; deviceId: string; sessionId: string }
  /** The user agent is a known bot and the sender is not trusted: not counted. */
  | { status: 'bot'; bot: { name: string; type: string } };

/** An item a store refused (404 unknown profile, 400 not a number): nothing more of it was applied. */
export interface RefusedItem {
  index: number;
  error: ApiError;
}

/** What applying one batch did, item by item. */
export interface AppliedBatch {
  /** The outcome of each event of the batch, by position; none for an event of a refused item. */
  outcomes: (EventOutcome | undefined)[];
  refused: RefusedItem[];
}
