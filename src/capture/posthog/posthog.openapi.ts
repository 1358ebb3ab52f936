import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, type ExamplesObject } from '@nestjs/swagger';
import { TOO_MANY_REQUESTS_HEADERS } from '../../openapi/api-errors.decorator';
import { CaptureRoute } from '../capture-route.decorator';
import { posthogErrorFormat } from './posthog-error.format';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['type', 'code', 'detail'],
  properties: {
    type: { type: 'string', enum: ['validation_error', 'authentication_error', 'server_error'] },
    code: { type: 'string', example: 'invalid_payload' },
    detail: { type: 'string', example: 'Body is not valid JSON' },
    attr: { type: 'string', nullable: true, example: null },
  },
};

const EVENT_PROPERTIES = {
  event: { type: 'string', example: '$pageview' },
  distinct_id: { type: 'string', description: 'Also `$distinct_id` or `properties.distinct_id`; numbers are accepted' },
  uuid: { type: 'string', format: 'uuid', description: 'Kept as the event id: a retried event is counted once' },
  timestamp: { type: 'string', format: 'date-time' },
  offset: { type: 'number', description: 'Milliseconds before sending; wins over `timestamp`' },
  api_key: { type: 'string' },
  $set: { type: 'object', additionalProperties: true },
  $set_once: { type: 'object', additionalProperties: true },
  properties: { type: 'object', additionalProperties: true },
};

/** An event; at /engage one without `event` is a profile update (`$identify`). */
function eventSchema(engage: boolean) {
  return { type: 'object', ...(engage ? {} : { required: ['event'] }), properties: EVENT_PROPERTIES };
}

function bodySchema(engage: boolean) {
  const event = eventSchema(engage);
  const batch = {
    type: 'object',
    required: ['batch'],
    properties: {
      api_key: { type: 'string', description: 'The project key: one of our client ids' },
      batch: { type: 'array', items: event },
      sent_at: { type: 'string', format: 'date-time' },
      historical_migration: { type: 'boolean' },
    },
  };
  return {
    description:
      'JSON (an event, an array of events, or `{ api_key, batch, sent_at?, historical_migration? }`), possibly gzip (with `?compression=gzip-js`, `Content-Encoding: gzip` or no hint), base64, lz64, or a form body with `data=`. At most 20 MB.',
    // An /engage event needs no `event`, so a batch wrapper also reads as an event there: anyOf.
    [engage ? 'anyOf' : 'oneOf']: [event, { type: 'array', items: event }, batch],
  };
}

const PAGEVIEW = {
  event: '$pageview',
  distinct_id: 'user-42',
  properties: { $current_url: 'https://example.com/pricing', $referrer: 'https://www.google.com/' },
};
const SIGNUP = { event: 'signed_up', distinct_id: 'user-42', properties: { plan: 'pro' }, $set: { email: 'ada@example.com' } };

/** What a POST route is sent: its examples; at `engage`, events may have no name. */
export type PosthogBody = 'events' | 'batch' | 'capture' | 'engage';

/**
 * Request examples of the POST routes, in the shapes the SDKs send (uncompressed here). The
 * key travels in `?token=` (the Authorize dialog), so "Try it out" sends them as they are.
 */
const EXAMPLES: Record<PosthogBody, ExamplesObject> = {
  events: {
    pageviews: {
      summary: 'posthog-js: an array of events',
      value: [PAGEVIEW, { ...PAGEVIEW, properties: { $current_url: 'https://example.com/signup' } }],
    },
    single: { summary: 'One event', value: SIGNUP },
  },
  batch: {
    batch: {
      summary: 'Server SDKs (posthog-node, posthog-python): a batch',
      value: { batch: [SIGNUP, { event: 'invoice_paid', distinct_id: 'user-42', properties: { amount: 49 } }] },
    },
  },
  capture: {
    event: { summary: 'One event', value: SIGNUP },
    events: { summary: 'Several events', value: [PAGEVIEW, SIGNUP] },
  },
  engage: {
    set: {
      summary: 'Set profile properties (`$identify`)',
      value: { distinct_id: 'user-42', $set: { email: 'ada@example.com', plan: 'pro' }, $set_once: { first_seen: '2024-05-01' } },
    },
  },
};

/**
 * Documents and configures one PostHog capture handler. It answers 200, not POST's 201: the
 * handler says so with a literal `@HttpCode(200)`, which the Swagger plugin reads (it does not
 * look inside this function).
 */
export function PosthogCaptureOperation(operationId: string, summary: string, method: 'GET' | 'POST', body: PosthogBody = 'events') {
  return applyDecorators(
    CaptureRoute(posthogErrorFormat, 'posthog'),
    ApiOperation({
      operationId,
      summary,
      description:
        'PostHog-compatible capture. Answers `{ "status": 1 }` once every event is stored (204 with `?beacon=1`). ' +
        (method === 'GET' ? 'The payload comes in `?data=` (or in a body, read as for POST).' : ''),
    }),
    ApiQuery({
      name: 'compression',
      required: false,
      enum: ['gzip', 'gzip-js', 'lz64', 'base64'],
      description:
        'How the payload is encoded: `gzip-js` or `gzip` (current posthog-js), `lz64` (lz-string, older posthog-js), `base64`. ' +
        'Without it, `Content-Encoding` is read, and gzip or base64 payloads are recognised by their bytes.',
    }),
    ApiQuery({ name: 'ip', required: false, description: "The end user's IP address, for geolocation" }),
    ApiQuery({ name: '_', required: false, description: 'When the request was sent (epoch ms), for clock-skew correction' }),
    ApiQuery({ name: 'beacon', required: false, description: '`1`: answer 204 with no body' }),
    ...(method === 'GET'
      ? [ApiQuery({ name: 'data', required: false, description: 'The payload, as for a form body' })]
      : [ApiBody({ schema: bodySchema(body === 'engage'), examples: EXAMPLES[body] })]),
    ApiResponse({ status: 200, description: 'Stored', schema: { type: 'object', properties: { status: { type: 'integer', enum: [1] } } } }),
    ApiResponse({ status: 204, description: 'Stored (`?beacon=1`)' }),
    ApiResponse({
      status: 400,
      description: 'Undecodable body, or an event without name or distinct id, or with an invalid uuid',
      schema: ERROR_SCHEMA,
    }),
    ApiResponse({ status: 401, description: 'Missing, unknown or conflicting API keys', schema: ERROR_SCHEMA }),
    ApiResponse({ status: 413, description: 'Body over 20 MB, or decompressing to too much', schema: ERROR_SCHEMA }),
    ApiResponse({
      status: 429,
      description: 'Too many requests for this key (`code`: `rate_limited`); retry after `Retry-After` seconds',
      schema: ERROR_SCHEMA,
      headers: TOO_MANY_REQUESTS_HEADERS,
    }),
  );
}
