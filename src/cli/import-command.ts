import { createReadStream, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { MAX_IMPORT_ROW_BYTES } from '../import/import-body';
import { ndjsonLines } from '../import/ndjson-lines';

export const IMPORT_USAGE = `usage: npm run -s cli -- import FILE [--project ID] [--url URL] [--client-id ID --client-secret SECRET]

Imports a file of events (NDJSON: one row a line, as /export/events?format=ndjson gives them or
as OpenPanel stores them) into a project through a running server's POST /import/events, in
requests of --rows rows (100000), showing progress on stderr and printing the totals as JSON on
stdout. A root client names --project; a write client imports into its own. Credentials come
from the options or OPENPANEL_CLIENT_ID / OPENPANEL_CLIENT_SECRET; the server from --url or
http://127.0.0.1:$PORT. An import stopped half-way can be run again: rows stored already are
recognised and not stored twice.`;

export interface ImportOptions {
  file: string;
  project?: string;
  url: string;
  clientId: string;
  clientSecret: string;
  rowsPerRequest: number;
}

interface Totals {
  accepted: number;
  duplicates: number;
  skipped: number;
  rejectedCount: number;
  profilesCreated: number;
  rejected: { index: number; error: string }[];
}

interface Answer extends Totals {
  message?: string;
}

const MAX_LISTED = 1000;
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
const MAX_RETRIES = 10;

/** One request's rows: their text, and where each is in the file. */
interface Part {
  indexes: number[];
  lines: string[];
  bytes: number;
}

/**
 * Reads the file once, as it streams, and sends it in parts of `rowsPerRequest` rows, one at a
 * time while the next part is read: a part is one request, well within the server's request
 * timeout, and a 429 or 503 is waited out and sent again (the server recognises rows it stored).
 */
export async function runImport(options: ImportOptions): Promise<Totals> {
  const size = statSync(options.file).size;
  const totals: Totals = { accepted: 0, duplicates: 0, skipped: 0, rejectedCount: 0, profilesCreated: 0, rejected: [] };
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'importing |{bar}| {percentage}% | {rows} rows | {rate} rows/s | accepted {accepted} | rejected {rejectedCount}',
      hideCursor: true,
    },
    undefined,
  );
  const started = Date.now();
  let read = 0;
  let rows = 0;
  const payload = () => ({ rows, rate: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)), ...totals });
  bar.start(size, 0, payload());

  const reject = (index: number, error: string) => {
    totals.rejectedCount++;
    if (totals.rejected.length < MAX_LISTED) totals.rejected.push({ index, error });
  };
  let sending: Promise<void> = Promise.resolve();
  const send = async (part: Part) => {
    await sending;
    sending = post(options, part).then((answer) => {
      totals.accepted += answer.accepted;
      totals.duplicates += answer.duplicates;
      totals.skipped += answer.skipped;
      totals.profilesCreated += answer.profilesCreated;
      for (const r of answer.rejected) reject(part.indexes[r.index] ?? r.index, r.error);
      // Rows refused past the listed ones are counted only.
      totals.rejectedCount += answer.rejectedCount - answer.rejected.length;
      bar.update(read, payload());
    });
    sending.catch(() => undefined);
  };

  let part: Part = { indexes: [], lines: [], bytes: 0 };
  let index = 0;
  const file = createReadStream(options.file);
  file.on('data', (chunk) => (read += chunk.length));
  for await (const line of ndjsonLines(file, MAX_IMPORT_ROW_BYTES)) {
    rows++;
    if (line.tooLong) reject(index, `the row is longer than ${MAX_IMPORT_ROW_BYTES} bytes`);
    else {
      part.indexes.push(index);
      part.lines.push(line.text);
      part.bytes += line.text.length + 1;
    }
    index++;
    if (part.lines.length >= options.rowsPerRequest || part.bytes >= MAX_REQUEST_BYTES) {
      await send(part);
      part = { indexes: [], lines: [], bytes: 0 };
    }
  }
  if (part.lines.length > 0) await send(part);
  await sending;
  bar.update(size, payload());
  bar.stop();
  totals.rejected.sort((a, b) => a.index - b.index);
  return totals;
}

/** Sends one part; the server numbers its rows from 0, and only rows that are not blank count. */
async function post(options: ImportOptions, part: Part): Promise<Answer> {
  const url = new URL('/import/events', options.url);
  if (options.project) url.searchParams.set('projectId', options.project);
  const body = `${part.lines.join('\n')}\n`;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-ndjson',
          'openpanel-client-id': options.clientId,
          'openpanel-client-secret': options.clientSecret,
        },
        body,
      });
    } catch (error) {
      if (attempt >= MAX_RETRIES) throw new Error(`cannot reach ${options.url}: ${(error as Error).message}`, { cause: error });
      await sleep(1000);
      continue;
    }
    const answer = (await res.json().catch(() => ({}))) as Answer;
    if (res.ok) return answer;
    if ((res.status === 429 || res.status === 503) && attempt < MAX_RETRIES) {
      await sleep(Math.max(1, Number(res.headers.get('retry-after')) || 1) * 1000);
      continue;
    }
    throw new Error(`the server answered ${res.status}: ${answer.message ?? res.statusText}`);
  }
}
