import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { buildEventStreamSql, EVENT_FIELDS, EVENT_STREAM_CHUNK, type EventStreamPosition, type RegexCandidate } from '@app/analytics';
import { ApiError } from '@app/common';
import type { ProjectEntity } from '@app/database';
import { csvLine } from './csv';
import type { ExportEventsQueryDto } from './dto/export-events.query.dto';
import { EngineQueryService } from './engine-query.service';
import { type EventQuery, EventQueryService } from './event-query.service';
import { ExportSlotsService } from './export-slots.service';

export type StreamFormat = 'ndjson' | 'csv';

export const STREAM_CONTENT_TYPES: Record<StreamFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * Every event of a listing query, as NDJSON or CSV, newest first. The export walks the result
 * in keyset steps of EVENT_STREAM_CHUNK rows and asks for the next step only when the reply
 * has taken the previous one (a pull stream: Node calls `read` only below the high-water
 * mark), so memory holds one step whatever the size of the export and a slow client slows
 * the reads instead of filling the heap.
 */
@Injectable()
export class ExportStreamService {
  constructor(
    private readonly engine: EngineQueryService,
    private readonly eventQuery: EventQueryService,
    private readonly slots: ExportSlotsService,
  ) {}

  /**
   * Resolves once the first step has been read, so a request the engine refuses (a bad
   * pattern, a cap) is still answered with a 400; a failure after that aborts the reply, so
   * a cut export never looks complete. The export holds one of ExportSlotsService's slots of
   * `clientId` until the stream closes: at its end, on an error, or when the client goes away
   * (the reply then destroys the stream).
   */
  async open(
    project: ProjectEntity,
    q: ExportEventsQueryDto,
    format: StreamFormat,
    clientId: string,
    chunk = EVENT_STREAM_CHUNK,
  ): Promise<Readable> {
    const extra = (q.includes ?? []).findIndex((i) => i === 'profile' || i === 'meta');
    if (extra >= 0)
      throw ApiError.badRequest('Invalid query parameters', [
        { path: ['includes', extra], message: 'Streams carry the event columns only' },
      ]);
    const release = this.slots.acquire(clientId);
    try {
      const { query, regexes } = await this.eventQuery.build(project, q);
      const steps = format === 'ndjson' ? this.ndjson(query, regexes, chunk) : this.csv(query, regexes, chunk);
      const first = await steps.next();
      const stream = Readable.from(resume(first, steps), { objectMode: false });
      stream.once('close', release);
      return stream;
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Rows go out as the engine wrote them: JSONEachRow already is NDJSON in the listing's shape. */
  private async *ndjson(query: EventQuery, regexes: RegexCandidate[], chunk: number): AsyncGenerator<string> {
    let after: EventStreamPosition | undefined;
    for (;;) {
      const text = await this.engine.text('events_stream', buildEventStreamSql(query, this.engine.database, after, chunk), regexes);
      if (text.length === 0) return;
      yield text;
      if (lineCount(text) < chunk) return;
      after = lastPosition(text);
    }
  }

  private async *csv(query: EventQuery, regexes: RegexCandidate[], chunk: number): AsyncGenerator<string> {
    let after: EventStreamPosition | undefined;
    let header = csvLine(EVENT_FIELDS);
    for (;;) {
      const rows = await this.engine.rows<Record<string, unknown>>(
        'events_stream',
        buildEventStreamSql(query, this.engine.database, after, chunk),
        regexes,
      );
      yield header + rows.map((r) => csvLine(EVENT_FIELDS.map((f) => r[f]))).join('');
      header = '';
      if (rows.length < chunk) return;
      const last = rows[rows.length - 1];
      after = { createdAt: String(last.createdAt), id: String(last.id) };
    }
  }
}

async function* resume(first: IteratorResult<string>, rest: AsyncGenerator<string>): AsyncGenerator<string> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

/** JSON escapes line breaks inside strings, so every raw newline ends a row. */
function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function lastPosition(text: string): EventStreamPosition {
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const row = JSON.parse(text.slice(text.lastIndexOf('\n', end - 1) + 1, end)) as { createdAt: string; id: string };
  return { createdAt: row.createdAt, id: row.id };
}
