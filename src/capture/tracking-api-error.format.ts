import type { ErrorFormat } from '@app/common';

/**
 * Errors of the Segment and Commanders Act tracking APIs: both answer a body that is too
 * large with a 400, like invalid JSON; other refusals keep their status.
 */
export const trackingApiErrorFormat: ErrorFormat = ({ status, body, headers }) => ({
  status: status === 413 ? 400 : status,
  headers,
  body: { success: false, message: body.message },
});
