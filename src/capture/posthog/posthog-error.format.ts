import type { ErrorFormat } from '@app/common';

const CODES: Record<number, string> = {
  400: 'invalid_payload',
  401: 'invalid_api_key',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/**
 * PostHog's error body `{ type, code, detail, attr }`: posthog-python shows `detail`, and
 * posthog-node halves its batch on a 413.
 */
export const posthogErrorFormat: ErrorFormat = ({ status, body, headers }) => ({
  status,
  headers,
  body: {
    type: status === 401 ? 'authentication_error' : status >= 500 ? 'server_error' : 'validation_error',
    code: CODES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request'),
    detail: body.message,
    attr: null,
  },
});
