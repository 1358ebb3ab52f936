import { applyDecorators, SetMetadata, type Type } from '@nestjs/common';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { ClientMode } from '@app/database';
import { ApiErrors } from '../openapi/api-errors.decorator';
import type { AuthScope, RequestDecoder } from './auth.types';

export const CLIENT_MODES_KEY = 'auth:modes';
export const AUTH_SCOPE_KEY = 'auth:scope';
export const PUBLIC_KEY = 'auth:public';
export const REQUEST_DECODER_KEY = 'auth:credentials-from';

/** The operation's client modes in the OpenAPI document; the document builder words them for readers. */
export const CLIENT_MODES_EXTENSION = 'x-client-modes';

/** Security requirement names declared in the OpenAPI document. */
export const CLIENT_ID_SCHEME = 'clientId';
export const CLIENT_SECRET_SCHEME = 'clientSecret';

/** Why a client of the wrong mode is refused, in each API's words. */
export const MODE_REFUSAL: Record<AuthScope, string> = {
  ingest: 'Ingestion: Read-only clients cannot send events',
  export: 'Export: Client is not allowed to export',
  manage: 'Manage: Only root clients are allowed to manage resources',
  import: 'Import: Read clients cannot import events',
};

/**
 * The API of routes open to these modes, for the documented refusal: only ingestion admits
 * write clients and only export admits read ones (each controller's @AuthScopeOf agrees).
 */
function scopeOf(modes: ClientMode[]): AuthScope {
  if (modes.includes('write')) return 'ingest';
  return modes.includes('read') ? 'export' : 'manage';
}

/**
 * Declares which client modes may call a route and documents it: the security schemes
 * and the 401/403 answers. The global ClientAuthGuard enforces it.
 */
export function ClientModes(...modes: ClientMode[]) {
  return applyDecorators(
    SetMetadata(CLIENT_MODES_KEY, modes),
    ApiExtension(CLIENT_MODES_EXTENSION, modes),
    ApiSecurity({ [CLIENT_ID_SCHEME]: [], [CLIENT_SECRET_SCHEME]: [] }),
    ApiErrors(
      {
        status: 401,
        description: `Missing or invalid credentials, or a client mode other than ${modes.join(', ')}`,
        message: MODE_REFUSAL[scopeOf(modes)],
      },
      403,
    ),
  );
}

/** The API a controller belongs to; refusals are worded for it (`Export: ...`). */
export const AuthScopeOf = (scope: AuthScope) => SetMetadata(AUTH_SCOPE_KEY, scope);

/** A route anyone may call (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * The route's credentials travel in its wire format (a PostHog `api_key`, a Segment write
 * key): the guard asks `reader` (a provider) for them instead of reading the OpenPanel
 * headers, then checks them exactly as it checks those.
 */
export const DecodedBy = (decoder: Type<RequestDecoder>) => SetMetadata(REQUEST_DECODER_KEY, decoder);
