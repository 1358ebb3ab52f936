import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ApiError } from '@app/common';
import type { ImportItem } from '../pipeline';
import { ndjsonLines } from './ndjson-lines';

/** The longest NDJSON row read; a longer one is refused at its place (the cap of a /track body). */
export const MAX_IMPORT_ROW_BYTES = 1024 * 1024;

/** NDJSON rows as they stream in: parsed one by one, a line that is not JSON refused at its place. */
export async function* ndjsonItems(body: Readable, contentEncoding: string | undefined): AsyncGenerator<ImportItem> {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity' && encoding !== 'gzip') {
    throw ApiError.badRequest(`Content-Encoding ${encoding} is not supported: send gzip or none`);
  }
  const input = encoding === 'gzip' ? body.pipe(createGunzip()) : body;
  let index = 0;
  try {
    for await (const line of ndjsonLines(input, MAX_IMPORT_ROW_BYTES)) {
      if (line.tooLong) {
        yield { index: index++, error: `the row is longer than ${MAX_IMPORT_ROW_BYTES} bytes` };
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch {
        yield { index: index++, error: 'not valid JSON' };
        continue;
      }
      yield { index: index++, value };
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The body broke off or did not inflate: what was read is stored, the rest is refused.
    throw ApiError.badRequest(`The body could not be read after ${index} rows: ${(error as Error).message}`);
  }
}

/** The rows of a JSON array body. */
export function* jsonArrayItems(body: unknown): Generator<ImportItem> {
  if (!Array.isArray(body)) throw ApiError.badRequest('The body must be a JSON array of events, or NDJSON (application/x-ndjson)');
  for (let index = 0; index < body.length; index++) yield { index, value: body[index] };
}
