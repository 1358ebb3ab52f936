import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
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

const EVENT_SCHEMA = {
  type: 'object',
  required: ['event'],
  properties: {
    event: { type: 'string', example: '$pageview' },
    distinct_id: { type: 'string', description: 'Also `$distinct_id` or `properties.distinct_id`; numbers are accepted' },
    uuid: { type: 'string', format: 'uuid', description: 'Kept as the event id: a retried event is counted once' },
    timestamp: { type: 'string', format: 'date-time' },
    offset: { type: 'number', description: 'Milliseconds before sending; wins over `timestamp`' },
    api_key: { type: 'string' },
    $set: { type: 'object', additionalProperties: true },
    $set_once: { type: 'object', additionalProperties: true },
    properties: { type: 'object', additionalProperties: true },
  },
};

const BODY_SCHEMA = {
  description:
    'JSON (an event, an array of events, or `{ api_key, batch, sent_at?, historical_migration? }`), possibly gzip (with `?compression=gzip-js`, `Content-Encoding: gzip` or no hint), base64, lz64, or a form body with `data=`. At most 20 MB.',
  oneOf: [
    EVENT_SCHEMA,
    { type: 'array', items: EVENT_SCHEMA },
    {
      type: 'object',
      required: ['batch'],
      properties: {
        api_key: { type: 'string', description: 'The project key: one of our client ids' },
        batch: { type: 'array', items: EVENT_SCHEMA },
        sent_at: { type: 'string', format: 'date-time' },
        historical_migration: { type: 'boolean' },
      },
    },
  ],
};

/** Documents and configures one PostHog capture handler. */
export function PosthogCaptureOperation(operationId: string, summary: string, method: 'GET' | 'POST') {
  return applyDecorators(
    HttpCode(200),
    CaptureRoute(posthogErrorFormat),
    ApiOperation({
      operationId,
      summary,
      description:
        'PostHog-compatible capture. Answers `{ "status": 1 }` once every event is stored (204 with `?beacon=1`). ' +
        (method === 'GET' ? 'The payload comes in `?data=` (or in a body, read as for POST).' : ''),
    }),
    ApiQuery({ name: 'compression', required: false, enum: ['gzip', 'gzip-js', 'lz64', 'base64'] }),
    ApiQuery({ name: 'ip', required: false, description: 'The end user\'s IP address, for geolocation' }),
    ApiQuery({ name: '_', required: false, description: 'When the request was sent (epoch ms), for clock-skew correction' }),
    ApiQuery({ name: 'beacon', required: false, description: '`1`: answer 204 with no body' }),
    ...(method === 'GET' ? [ApiQuery({ name: 'data', required: false, description: 'The payload, as for a form body' })] : [ApiBody({ schema: BODY_SCHEMA })]),
    ApiResponse({ status: 200, description: 'Stored', schema: { type: 'object', properties: { status: { type: 'integer', enum: [1] } } } }),
    ApiResponse({ status: 204, description: 'Stored (`?beacon=1`)' }),
    ApiResponse({ status: 400, description: 'Undecodable body, or an event without name or distinct id, or with an invalid uuid', schema: ERROR_SCHEMA }),
    ApiResponse({ status: 401, description: 'Missing, unknown or conflicting API keys', schema: ERROR_SCHEMA }),
    ApiResponse({ status: 413, description: 'Body over 20 MB, or decompressing to too much', schema: ERROR_SCHEMA }),
  );
}
