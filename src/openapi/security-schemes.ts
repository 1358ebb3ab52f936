import type { SecuritySchemeObject } from '@nestjs/swagger';
import { CLIENT_ID_SCHEME, CLIENT_SECRET_SCHEME } from '../auth';

/** Security scheme names of the capture routes, for `@ApiSecurity(...)`. */
export const POSTHOG_TOKEN_SCHEME = 'posthogToken';
export const SEGMENT_WRITE_KEY_SCHEME = 'segmentWriteKey';
export const COMMANDERS_ACT_TOKEN_SCHEME = 'commandersActToken';
export const COMMANDERS_ACT_BEARER_SCHEME = 'commandersActBearer';

/**
 * Every way a caller can present credentials. The document lists only the schemes some
 * operation uses, so the Authorize dialog never asks for a credential no route reads.
 */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  [CLIENT_ID_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'openpanel-client-id',
    description: 'Client id (a UUID). `/track` also takes it as `clientId` in the body.',
  },
  [CLIENT_SECRET_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'openpanel-client-secret',
    description:
      "Client secret (`sec_…`), shown once when the client is created. Ingestion may omit it from a browser whose `Origin` is in the project's `cors` list, or with a `public` client.",
  },
  [POSTHOG_TOKEN_SCHEME]: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description:
      'PostHog project API key: one of our client ids. Also read from `?api_key=`, from `api_key`/`token` of the batch, or from `api_key`, `token`, `$token` or `properties.token` of an event.',
  },
  [SEGMENT_WRITE_KEY_SCHEME]: {
    type: 'http',
    scheme: 'basic',
    description:
      'Segment write key (one of our client ids) as the user name, password empty or the client secret. Also read from `writeKey` in the body.',
  },
  [COMMANDERS_ACT_TOKEN_SCHEME]: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'Commanders Act source key (one of our client ids), with `tc_s` for the site.',
  },
  [COMMANDERS_ACT_BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description: 'Commanders Act source key (one of our client ids) as a bearer token.',
  },
};
