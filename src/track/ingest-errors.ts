import type { ErrorSpec } from '../openapi/api-errors.decorator';

/** Error answers every OpenPanel-style ingestion route documents (its own 400 apart). */
export const BODY_TOO_LARGE: ErrorSpec = { status: 413, description: 'Body too large', message: 'Request body is too large' };

export const TOO_MANY_INGEST: ErrorSpec = {
  status: 429,
  description:
    'Too many failed authentications for this client id or from this address, or over the opt-in ingestion budget (`TRACK_RATE_LIMIT`); retry after `Retry-After` seconds',
  message: 'Too many failed authentications, retry later',
};

export const INGEST_SATURATED: ErrorSpec = {
  status: 503,
  description: 'Ingestion saturated or shutting down; retry after `Retry-After` seconds',
  message: 'Ingestion is saturated, retry shortly',
};

/** A 400 for a body checked by its route schema; `field` is the example's missing field. */
export function badBody(...field: string[]): ErrorSpec {
  return { status: 400, description: 'Invalid body; `details` names each bad field', details: [{ path: field, message: 'Required' }] };
}
