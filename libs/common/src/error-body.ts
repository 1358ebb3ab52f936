import { STATUS_CODES } from 'node:http';
import type { ErrorDetail } from './errors';

/** The error shape of the OpenPanel-style APIs: `{ status, error, message, details? }`. */
export interface ErrorBody {
  status: number;
  error: string;
  message: string;
  details?: ErrorDetail[];
}

export function errorBody(status: number, message: string, details?: ErrorDetail[]): ErrorBody {
  const body: ErrorBody = { status, error: STATUS_CODES[status] ?? 'Error', message };
  if (details && details.length > 0) body.details = details;
  return body;
}
