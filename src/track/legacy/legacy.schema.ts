import { TRACK_PAYLOADS } from '../track.schema';

/**
 * Bodies of OpenPanel's legacy routes, built from the /track payload schemas so the field
 * rules (profile ids, properties, names, lengths) are the same ones. Compiled by Fastify into
 * each route's validator, and shown as they are in the OpenAPI document (typed `object`: the
 * swagger types are OpenAPI 3.0's, these are the 3.1 JSON Schema the document publishes).
 */

/** POST /profile: an `identify` payload as the whole body. */
export const PROFILE_BODY_SCHEMA: object = TRACK_PAYLOADS.identify;

/** POST /profile/increment and /decrement: `value` is required here (OpenPanel's SDKs always send it). */
export const PROFILE_CHANGE_SCHEMA: object = {
  ...TRACK_PAYLOADS.increment,
  required: ['profileId', 'property', 'value'],
  properties: {
    ...TRACK_PAYLOADS.increment.properties,
    value: { type: 'number', exclusiveMinimum: 0, description: 'How much to add (increment) or subtract (decrement)' },
  },
};

/** POST /event: a `track` payload as the whole body, plus the `timestamp` old SDKs send. */
export const EVENT_BODY_SCHEMA: object = {
  ...TRACK_PAYLOADS.track,
  properties: {
    ...TRACK_PAYLOADS.track.properties,
    timestamp: {
      type: 'string',
      maxLength: 64,
      description: 'Accepted and not used, as in OpenPanel: the event time is the arrival time, or `properties.__timestamp`',
    },
  },
};

const PROFILE = 'user-42';

export const PROFILE_EXAMPLES = {
  identify: {
    summary: 'Create or update a profile',
    value: { profileId: PROFILE, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', properties: { plan: 'pro' } },
  },
};

export const INCREMENT_EXAMPLES = {
  increment: { summary: 'Add to a numeric profile property', value: { profileId: PROFILE, property: 'logins', value: 1 } },
};

export const DECREMENT_EXAMPLES = {
  decrement: { summary: 'Subtract from a numeric profile property', value: { profileId: PROFILE, property: 'credits', value: 5 } },
};

export const EVENT_EXAMPLES = {
  event: {
    summary: 'An event',
    value: {
      name: 'signup',
      timestamp: '2026-01-01T12:00:00.000Z',
      profileId: PROFILE,
      properties: { plan: 'pro', __path: 'https://example.com/signup' },
    },
  },
};
