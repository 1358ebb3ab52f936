import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { EngineQueryService } from '../export/engine-query.service';
import { MetricsService } from './metrics.service';

/** Seconds, from a point lookup to a year-long chart. */
const QUERY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * `clickhouse_query_duration_seconds`: the engine's part of /export/events and /export/charts
 * (the HTTP histogram has the whole request), by statement and whether it failed.
 */
@Injectable()
export class QueryMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly engine: EngineQueryService,
  ) {}

  onModuleInit(): void {
    const duration = new Histogram({
      name: 'clickhouse_query_duration_seconds',
      help: 'ClickHouse statements of the export and chart routes, read in full, by statement',
      labelNames: ['query', 'outcome'],
      buckets: QUERY_BUCKETS,
      registers: [this.metrics.registry],
    });
    this.engine.observe({
      queried: (name, seconds, failed) => duration.observe({ query: name, outcome: failed ? 'error' : 'ok' }, seconds),
    });
  }
}
