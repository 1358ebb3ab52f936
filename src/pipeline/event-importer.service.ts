import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { buildStoredEventIdsSql } from '@app/analytics';
import { ClickhouseService, serialiseRows } from '@app/clickhouse';
import { ApiError, fromClickhouseDateTime } from '@app/common';
import { decodeImportRow, EVENT_ROW_COLUMNS, type EventRow, importRowContext } from '@app/ingest';
import { EventEnricher } from './event-enricher.service';
import { ProfilesService } from './profiles.service';

/** One row of an import body as its reader found it: a parsed value, or why it is not one. */
export interface ImportItem {
  /** The row's position in the body (blank lines of NDJSON do not count). */
  index: number;
  value?: unknown;
  /** Set when the row could not be read (bad JSON, too long). */
  error?: string;
}

export interface ImportRejection {
  index: number;
  error: string;
}

export interface ImportSummary {
  /** Rows stored, now or by an earlier import of the same rows. */
  accepted: number;
  /** Of `accepted`, the rows whose id was stored already (a re-import) or came earlier in the body. */
  duplicates: number;
  /** `session_start` / `session_end` rows: not stored, the sessions built from the other rows answer them. */
  skipped: number;
  /** The first MAX_LISTED_REJECTIONS rows refused, with why. */
  rejected: ImportRejection[];
  rejectedCount: number;
  /** Profiles created for the rows' profile ids. */
  profilesCreated: number;
}

/** Rows per insert: big enough for few parts, small enough to bound memory. */
export const IMPORT_CHUNK_ROWS = 50_000;
/** Ids per lookup of stored ids: keeps a server's query URL well under its 1 MiB default. */
const IDS_PER_LOOKUP = 5_000;
/** Refusals listed in the answer (all are counted). */
export const MAX_LISTED_REJECTIONS = 1_000;

/**
 * Historical events, through the stages of live ingestion: each row checked and enriched
 * (decodeImportRow, with the enricher's geolocation), the profile ids resolved through aliases
 * and the profiles created, then written. Unlike live events, rows are inserted into ClickHouse
 * directly, chunk by chunk, and the answer waits for the inserts: an import is a bulk
 * transfer, and checking the next chunk's ids needs the previous one visible. A row whose id
 * is stored already is counted, not written again, so an import retried after a failure (or
 * run twice) stores nothing twice. The session builder picks the rows up like any insert and
 * gives the visits their sessions by event time.
 */
@Injectable()
export class EventImporter {
  private readonly logger = new Logger('EventImporter');

  constructor(
    private readonly clickhouse: ClickhouseService,
    private readonly enricher: EventEnricher,
    private readonly profiles: ProfilesService,
  ) {}

  /**
   * Imports rows into a project. Reading the next chunk overlaps the insert of the previous
   * one; the input is pulled no faster than chunks are stored, so memory stays bounded
   * whatever the size of the body. A store that fails ends the import with a 503: the rows
   * stored before it stay, and the retry the 503 asks for skips them.
   */
  async import(projectId: string, items: AsyncIterable<ImportItem> | Iterable<ImportItem>): Promise<ImportSummary> {
    const summary: ImportSummary = { accepted: 0, duplicates: 0, skipped: 0, rejected: [], rejectedCount: 0, profilesCreated: 0 };
    const ctx = importRowContext(projectId, new Date(), (ip) => this.enricher.geoOf(ip));
    const reject = (index: number, error: string) => {
      summary.rejectedCount++;
      if (summary.rejected.length < MAX_LISTED_REJECTIONS) summary.rejected.push({ index, error });
    };
    let chunk: Chunk = newChunk();
    let previous: Promise<void> = Promise.resolve();
    const flush = async () => {
      await previous;
      const writing = this.store(projectId, chunk, summary);
      // Awaited before the next chunk (or at the end); caught here so that a failure while the
      // next chunk is read is not reported as unhandled in the meantime.
      writing.catch(() => undefined);
      previous = writing;
      chunk = newChunk();
    };
    for await (const item of items) {
      if (item.error !== undefined) {
        reject(item.index, item.error);
        continue;
      }
      const decoded = decodeImportRow(item.value, ctx);
      if (decoded.kind === 'invalid') reject(item.index, decoded.error);
      else if (decoded.kind === 'derived') summary.skipped++;
      else {
        chunk.rows.push(decoded.row);
        if (decoded.namesProfile) chunk.named.add(decoded.row.profile_id);
        if (chunk.rows.length >= IMPORT_CHUNK_ROWS) await flush();
      }
    }
    if (chunk.rows.length > 0) await flush();
    await previous;
    this.logger.log(
      `import into ${projectId}: ${summary.accepted} accepted (${summary.duplicates} already stored), ${summary.skipped} skipped, ${summary.rejectedCount} rejected`,
    );
    return summary;
  }

  private async store(projectId: string, chunk: Chunk, summary: ImportSummary): Promise<void> {
    try {
      await this.storeChunk(projectId, chunk, summary);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      this.logger.error(`import into ${projectId} failed: ${(error as Error).message}`);
      throw new ApiError(
        'unavailable',
        `The import stopped after ${summary.accepted} stored rows; retry it: rows stored already are recognised and not stored twice`,
        undefined,
        { 'Retry-After': '1' },
      );
    }
  }

  private async storeChunk(projectId: string, chunk: Chunk, summary: ImportSummary): Promise<void> {
    const aliases = await this.profiles.resolveAll(
      projectId,
      chunk.rows.map((r) => r.profile_id || undefined),
    );
    const fresh = new Map<string, EventRow>();
    let from = Infinity;
    let to = -Infinity;
    const named = new Set<string>();
    for (const row of chunk.rows) {
      const given = row.profile_id;
      if (given) {
        row.profile_id = aliases.get(given) ?? given;
        if (chunk.named.has(given)) named.add(row.profile_id);
      }
      if (fresh.has(row.id)) continue;
      fresh.set(row.id, row);
      const at = fromClickhouseDateTime(row.created_at).getTime();
      if (at < from) from = at;
      if (at > to) to = at;
    }
    const ids = [...fresh.keys()];
    for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
      for (const id of await this.storedIds(projectId, ids.slice(i, i + IDS_PER_LOOKUP), new Date(from), new Date(to))) fresh.delete(id);
    }
    const rows = [...fresh.values()];
    const firstSeen = new Map<string, Date>();
    for (const row of rows) {
      const id = row.profile_id;
      if (!named.has(id)) continue;
      const at = fromClickhouseDateTime(row.created_at);
      const seen = firstSeen.get(id);
      if (!seen || at < seen) firstSeen.set(id, at);
    }
    // Profiles first: an event is never visible before the profile it names.
    summary.profilesCreated += await this.profiles.ensureProfiles(projectId, firstSeen);
    if (rows.length > 0) {
      const text = serialiseRows(rows, EVENT_ROW_COLUMNS);
      // A token of its own: ClickHouse's deduplication window would otherwise drop a block equal
      // to one inserted recently (an erased person's rows imported again, say).
      await this.clickhouse.insertCompactRows(
        this.clickhouse.eventsInsertTable,
        EVENT_ROW_COLUMNS,
        Buffer.from(text.text),
        `import:${randomUUID()}`,
      );
    }
    summary.accepted += chunk.rows.length;
    summary.duplicates += chunk.rows.length - rows.length;
  }

  private async storedIds(projectId: string, ids: string[], from: Date, to: Date): Promise<string[]> {
    const statement = buildStoredEventIdsSql(projectId, ids, from, to, this.clickhouse.database);
    const result = await this.clickhouse.client.query({ query: statement.sql, query_params: statement.params, format: 'JSONEachRow' });
    return (await result.json<{ stored_id: string }>()).map((r) => r.stored_id);
  }
}

interface Chunk {
  rows: EventRow[];
  /** Profile ids the rows name as people (not a device id standing in for one). */
  named: Set<string>;
}

function newChunk(): Chunk {
  return { rows: [], named: new Set() };
}
