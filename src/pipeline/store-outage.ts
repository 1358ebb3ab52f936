import { Logger } from '@nestjs/common';
import { ApiError } from '@app/common';

const logger = new Logger('Ingest');

/**
 * Runs a store call of ingestion. Callers check every item before they write (@app/ingest's
 * ingest-checks.ts), so a store that fails now is an outage, not the sender's fault: a 503 the
 * sender retries, never a 500. The domain's own answers (404 unknown profile, 400 not a
 * number) pass as they are.
 */
export async function stored<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    logger.error(`a store failed during ingestion: ${(error as Error)?.message ?? String(error)}`);
    throw new ApiError('unavailable', 'Ingestion could not reach its stores, retry shortly', undefined, { 'Retry-After': '1' });
  }
}
