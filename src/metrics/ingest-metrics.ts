import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { type ChannelCounts, INGEST_CHANNELS, IngestCounts, IngestWriters } from '../pipeline';
import { MetricsService } from './metrics.service';

const OUTCOMES: readonly (keyof ChannelCounts)[] = ['accepted', 'duplicate', 'bot', 'rejected'];

/** Seconds. An fdatasync takes a fraction of a millisecond on a quiet SSD, tens under load. */
const FSYNC_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Seconds. Inserts are large (up to INGEST_FLUSH_ROWS rows): milliseconds to seconds. */
const INSERT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Ingestion as Prometheus sees it: events by source and outcome, read from IngestCounts when
 * scraped; each writer's buffered rows and log bytes, read when scraped; and the writers'
 * fsyncs and inserts, which they report once per sync and per insert (never per row).
 */
@Injectable()
export class IngestMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly counts: IngestCounts,
    private readonly writers: IngestWriters,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const counts = this.counts.byChannel;
    new Counter({
      name: 'ingest_events_total',
      help: 'Events by source and outcome: accepted (stored), duplicate (a retried id, not stored again), bot (not counted), rejected (an item refused within an answered request)',
      labelNames: ['source', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const source of INGEST_CHANNELS) for (const outcome of OUTCOMES) this.inc({ source, outcome }, counts[source][outcome]);
      },
    });
    const writers = [
      ['events', this.writers.events],
      ['profiles', this.writers.profiles],
    ] as const;
    new Gauge({
      name: 'ingest_writer_buffered_rows',
      help: 'Rows accepted and not yet in ClickHouse, by table (ingestion answers 503 past INGEST_BUFFER_ROWS)',
      labelNames: ['table'],
      registers,
      collect() {
        for (const [table, writer] of writers) this.set({ table }, writer.bufferedRows);
      },
    });
    new Gauge({
      name: 'ingest_wal_bytes',
      help: 'Bytes in the write-ahead log files, by table (0 without the log)',
      labelNames: ['table'],
      registers,
      collect() {
        for (const [table, writer] of writers) this.set({ table }, writer.logBytes);
      },
    });
    const fsync = new Histogram({
      name: 'ingest_wal_fsync_duration_seconds',
      help: 'fdatasync of the write-ahead log, by table',
      labelNames: ['table'],
      buckets: FSYNC_BUCKETS,
      registers,
    });
    const insertDuration = new Histogram({
      name: 'clickhouse_insert_duration_seconds',
      help: 'Inserts of the writers into ClickHouse, by table',
      labelNames: ['table'],
      buckets: INSERT_BUCKETS,
      registers,
    });
    const insertRows = new Counter({
      name: 'clickhouse_insert_rows_total',
      help: 'Rows the writers inserted into ClickHouse, by table',
      labelNames: ['table'],
      registers,
    });
    const insertFailures = new Counter({
      name: 'clickhouse_insert_failures_total',
      help: 'Failed inserts into ClickHouse (retried with the log, failed to the senders without it), by table',
      labelNames: ['table'],
      registers,
    });
    for (const [table, writer] of writers) {
      const synced = fsync.labels(table);
      const took = insertDuration.labels(table);
      const rows = insertRows.labels(table);
      const failed = insertFailures.labels(table);
      // Zero series from the start, so a rate is defined before the first failure.
      failed.inc(0);
      writer.observe({
        synced: (seconds) => synced.observe(seconds),
        inserted: (n, seconds) => {
          took.observe(seconds);
          rows.inc(n);
        },
        insertFailed: () => failed.inc(),
      });
    }
  }
}
