/**
 * JSON schema of the /track body, compiled once by Fastify's validator: the hot ingestion
 * path does not pay class-validator's per-request reflection.
 */
export const TRACK_BODY_SCHEMA = {
  type: 'object',
  required: ['type', 'payload'],
  properties: {
    type: { type: 'string', enum: ['track', 'identify', 'increment', 'decrement', 'alias', 'group', 'assign_group'] },
    payload: { type: 'object' },
    clientId: { type: 'string' },
    clientSecret: { type: 'string' },
  },
  if: { properties: { type: { const: 'track' } } },
  then: {
    properties: {
      payload: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 80, not: { enum: ['session_start', 'session_end'] } },
          profileId: { anyOf: [{ type: 'string' }, { type: 'number' }] },
          groups: { type: 'array', items: { type: 'string' }, maxItems: 100 },
          properties: { type: 'object' },
        },
      },
    },
  },
} as const;
