/**
 * The /track body, one JSON schema per type. These are the single source of truth: Fastify
 * compiles them once into the route's validator (the hot ingestion path pays no per-request
 * reflection) and the OpenAPI document shows the same schemas as a `oneOf` with a
 * discriminator on `type`, so generated clients get one real type per kind of call.
 */

const profileId = { anyOf: [{ type: 'string', minLength: 1, maxLength: 255 }, { type: 'number' }], description: 'Your id of the user' };
const properties = {
  type: 'object',
  additionalProperties: true,
  description: 'Free-form properties; nested values are flattened to dot keys',
};

export const TRACK_PAYLOADS = {
  track: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 80, not: { enum: ['session_start', 'session_end'] }, description: 'Event name' },
      profileId,
      groups: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 }, maxItems: 100 },
      properties: {
        ...properties,
        description:
          'Free-form properties. Special keys: __timestamp (ISO time), __ip, __deviceId, __path (page URL), __referrer, __title, __revenue (cents; needs a secret unless the project allows it), __id (idempotency key), __identify (with profileId: true, or { firstName, lastName, email, avatar, properties }, also creates or updates the profile)',
      },
    },
  },
  identify: {
    type: 'object',
    required: ['profileId'],
    properties: {
      profileId,
      firstName: { type: 'string', maxLength: 255 },
      lastName: { type: 'string', maxLength: 255 },
      email: { type: 'string', format: 'email', maxLength: 320 },
      avatar: { type: 'string', format: 'uri', maxLength: 2048 },
      properties,
    },
  },
  increment: {
    type: 'object',
    required: ['profileId', 'property'],
    properties: {
      profileId,
      property: { type: 'string', minLength: 1, maxLength: 255, description: 'Dot path of a numeric profile property' },
      value: { type: 'number', exclusiveMinimum: 0, description: 'How much to add (increment) or subtract (decrement). Default: 1.' },
    },
  },
  alias: {
    type: 'object',
    required: ['profileId', 'alias'],
    properties: {
      profileId,
      alias: {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        description: 'Another id of the same user; later events sent under it count for profileId',
      },
    },
  },
  group: {
    type: 'object',
    required: ['id', 'type', 'name'],
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 255 },
      type: { type: 'string', minLength: 1, maxLength: 255 },
      name: { type: 'string', minLength: 1, maxLength: 255 },
      properties,
    },
  },
  assign_group: {
    type: 'object',
    required: ['groupIds'],
    properties: {
      groupIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 255 }, minItems: 1, maxItems: 100 },
      profileId: { ...profileId, description: 'Defaults to the device of the request' },
    },
  },
} as const;

export type TrackType = keyof typeof TRACK_PAYLOADS | 'decrement';
export const TRACK_TYPES: readonly TrackType[] = ['track', 'identify', 'increment', 'decrement', 'alias', 'group', 'assign_group'];

function payloadFor(type: TrackType) {
  return type === 'decrement' ? TRACK_PAYLOADS.increment : TRACK_PAYLOADS[type];
}

/** The validator of one `{ type, payload }` item (also each item of /track/batch). */
export const TRACK_ITEM_SCHEMA = {
  type: 'object',
  required: ['type', 'payload'],
  properties: {
    type: { type: 'string', enum: TRACK_TYPES },
    payload: { type: 'object' },
  },
  allOf: TRACK_TYPES.map((type) => ({
    if: { properties: { type: { const: type } }, required: ['type'] },
    then: { properties: { payload: payloadFor(type) } },
  })),
};

/**
 * An item of one known `type`: what `TRACK_ITEM_SCHEMA` checks once `type` is that one (the
 * batch route validates with it, and it is that type's request schema in OpenAPI).
 */
export function trackItemSchemaOf(type: TrackType) {
  return {
    type: 'object',
    required: ['type', 'payload'],
    properties: { type: { type: 'string', enum: [type] }, payload: payloadFor(type) },
  };
}

/** POST /track: an item, plus the credentials some SDKs put in the body. */
export const TRACK_BODY_SCHEMA = {
  ...TRACK_ITEM_SCHEMA,
  properties: { ...TRACK_ITEM_SCHEMA.properties, clientId: { type: 'string' }, clientSecret: { type: 'string' } },
};

export const MAX_BATCH_ITEMS = 2000;

/** POST /track/batch: items are checked one by one by the service, so one bad item never sinks the rest. */
export const TRACK_BATCH_SCHEMA = {
  type: 'object',
  required: ['items'],
  properties: {
    items: { type: 'array', minItems: 1, maxItems: MAX_BATCH_ITEMS, items: { type: 'object' } },
  },
};

function componentName(type: TrackType): string {
  return `Track${type
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')}Request`;
}

/** Named schemas for the OpenAPI document: one request type per `type`. */
export function trackOpenApiComponents(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const type of TRACK_TYPES) {
    out[componentName(type)] = trackItemSchemaOf(type);
  }
  return out;
}

/** The /track request body in OpenAPI: a `oneOf` with a discriminator on `type`. */
export function trackOpenApiBody(): object {
  return {
    oneOf: TRACK_TYPES.map((t) => ({ $ref: `#/components/schemas/${componentName(t)}` })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(TRACK_TYPES.map((t) => [t, `#/components/schemas/${componentName(t)}`])),
    },
  };
}

const PROFILE = 'user-42';

/** One request example per `type`, in the order Swagger UI offers them (the first is its default). */
export const TRACK_EXAMPLES: Record<TrackType, { summary: string; value: { type: TrackType; payload: object } }> = {
  track: {
    summary: 'An event',
    value: {
      type: 'track',
      payload: { name: 'signup', profileId: PROFILE, properties: { plan: 'pro', __path: 'https://example.com/signup' } },
    },
  },
  identify: {
    summary: 'Create or update a profile',
    value: {
      type: 'identify',
      payload: { profileId: PROFILE, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', properties: { plan: 'pro' } },
    },
  },
  increment: {
    summary: 'Add to a numeric profile property',
    value: { type: 'increment', payload: { profileId: PROFILE, property: 'logins', value: 1 } },
  },
  decrement: {
    summary: 'Subtract from a numeric profile property',
    value: { type: 'decrement', payload: { profileId: PROFILE, property: 'credits', value: 5 } },
  },
  alias: { summary: 'Another id of a profile', value: { type: 'alias', payload: { profileId: PROFILE, alias: 'ada@example.com' } } },
  group: {
    summary: 'Create or update a group',
    value: { type: 'group', payload: { id: 'acme', type: 'company', name: 'Acme Inc', properties: { plan: 'enterprise' } } },
  },
  assign_group: {
    summary: 'Put a profile in groups',
    value: { type: 'assign_group', payload: { groupIds: ['acme'], profileId: PROFILE } },
  },
};

/** Request examples of POST /track/batch. */
export const TRACK_BATCH_EXAMPLES = {
  batch: {
    summary: 'A profile and two events',
    value: {
      items: [
        TRACK_EXAMPLES.identify.value,
        TRACK_EXAMPLES.track.value,
        { type: 'track', payload: { name: 'invoice_paid', profileId: PROFILE, properties: { __revenue: 4900, __id: 'inv_1001' } } },
      ],
    },
  },
};
