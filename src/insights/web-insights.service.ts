import { Injectable } from '@nestjs/common';
import {
  type BreakdownColumn,
  type BreakdownRow,
  buildBreakdownSql,
  buildEntryExitSql,
  buildLiveSql,
  buildOverviewSql,
  buildPagePerformanceSql,
  buildSessionListSql,
  buildTopPagesSql,
  type Filter,
  formatZonedIso,
  type InsightDates,
  type InsightScope,
  type Interval,
  invalid,
  listBuckets,
  type ListPage,
  type OverviewRow,
  type OverviewVisitorsRow,
  type PagePerformanceQuery,
  type PagePerformanceRow,
  type RangeName,
  regexCandidates,
  resolveInsightDates,
  type SessionRow,
  type SqlStatement,
  type TopPageRow,
} from '@app/analytics';
import type { ProjectEntity } from '@app/database';
import { EngineQueryService } from '../export/engine-query.service';

/** OpenPanel's `Metrics`: the figures of the overview, for a bucket or the whole window. */
export interface WebMetrics {
  bounce_rate: number;
  unique_visitors: number;
  total_sessions: number;
  avg_session_duration: number;
  total_screen_views: number;
  views_per_session: number;
  total_revenue: number;
}

export interface WebSeriesPoint extends WebMetrics {
  date: string;
}

export interface OverviewAnswer {
  summary: WebMetrics;
  series: WebSeriesPoint[];
  interval: Interval;
  startDate: string;
  endDate: string;
}

export interface PagePerformanceAnswer {
  total_pages: number;
  shown: number;
  pages: (Omit<PagePerformanceRow, 'total_pages'> & {
    seo_signals: { high_bounce: boolean; low_engagement: boolean; good_landing_page: boolean };
  })[];
}

/** Buckets one answer may hold: a year of hours fits, a decade of them does not. */
export const MAX_OVERVIEW_BUCKETS = 10_000;

const round2 = (n: number) => Math.round(n * 100) / 100;

function metricsOf(r: OverviewRow | undefined, visitors = 0): WebMetrics {
  if (!r || r.sessions === 0)
    return {
      bounce_rate: 0,
      unique_visitors: 0,
      total_sessions: 0,
      avg_session_duration: 0,
      total_screen_views: 0,
      views_per_session: 0,
      total_revenue: 0,
    };
  return {
    bounce_rate: round2((r.bounces * 100) / r.sessions),
    unique_visitors: visitors,
    total_sessions: r.sessions,
    avg_session_duration: r.timed_sessions > 0 ? round2(r.timed_duration_ms / r.timed_sessions / 1000) : 0,
    total_screen_views: r.screen_views,
    views_per_session: round2(r.screen_views / r.sessions),
    total_revenue: r.revenue,
  };
}

/** OpenPanel's legacy interval for a window: hours within a day, then days, weeks, months. */
export function intervalForWindow(start: Date, end: Date): Interval {
  const days = (end.getTime() - start.getTime()) / 86_400_000;
  if (days <= 1) return 'hour';
  if (days <= 92) return 'day';
  if (days <= 186) return 'week';
  return 'month';
}

/**
 * The session-based web analytics of the insights API: each answer is one parameterised
 * statement of @app/analytics, run by the export engine service (same limits, same 400s).
 */
@Injectable()
export class WebInsightsService {
  constructor(private readonly engine: EngineQueryService) {}

  scope(project: ProjectEntity, dates: InsightDates, fallback: RangeName, filters?: Filter[], now = new Date()): InsightScope {
    const timezone = project.timezone ?? 'UTC';
    return { projectId: project.id, timezone, range: resolveInsightDates(dates, timezone, now, fallback), filters };
  }

  async overview(scope: InsightScope, interval: Interval): Promise<OverviewAnswer> {
    const buckets = listBuckets(scope.range, interval, scope.timezone, MAX_OVERVIEW_BUCKETS + 1);
    if (buckets.length > MAX_OVERVIEW_BUCKETS)
      throw invalid(['interval'], `At most ${MAX_OVERVIEW_BUCKETS} buckets: choose a longer interval or a shorter window`);
    const [figures, visitors] = buildOverviewSql(this.engine.database, scope, interval);
    const [rows, counted] = await Promise.all([
      this.run<OverviewRow>(figures, scope.filters),
      this.run<OverviewVisitorsRow>(visitors, scope.filters),
    ]);
    const byBucket = new Map(rows.filter((r) => r.bucket !== null).map((r) => [Number(r.bucket), r]));
    const visitorsOf = new Map(counted.map((r) => [r.bucket === null ? null : Number(r.bucket), r.visitors]));
    const at = (bucket: number | null) =>
      metricsOf(bucket === null ? rows.find((r) => r.bucket === null) : byBucket.get(bucket), visitorsOf.get(bucket));
    return {
      summary: at(null),
      series: buckets.map((b) => ({ date: formatZonedIso(b, scope.timezone), ...at(b.getTime() / 1000) })),
      interval,
      startDate: formatZonedIso(scope.range.start, scope.timezone),
      endDate: formatZonedIso(new Date(scope.range.end.getTime() - 1), scope.timezone),
    };
  }

  async live(projectId: string): Promise<{ visitors: number }> {
    const [row] = await this.run<{ visitors: number }>(buildLiveSql(this.engine.database, projectId, new Date()));
    return { visitors: Number(row?.visitors ?? 0) };
  }

  async breakdown(scope: InsightScope, column: BreakdownColumn, page: ListPage): Promise<BreakdownRow[]> {
    const rows = await this.run<{ prefix?: string; value: string; sessions: number; pageviews: number; revenue: number }>(
      buildBreakdownSql(this.engine.database, scope, column, page),
      scope.filters,
    );
    return rows.map((r) => ({
      ...(r.prefix !== undefined ? { prefix: r.prefix } : {}),
      name: r.value === '' ? null : r.value,
      sessions: r.sessions,
      pageviews: r.pageviews,
      revenue: r.revenue,
    }));
  }

  entryExit(scope: InsightScope, mode: 'entry' | 'exit', page: ListPage): Promise<TopPageRow[]> {
    return this.run<TopPageRow>(buildEntryExitSql(this.engine.database, scope, mode, page), scope.filters);
  }

  topPages(scope: InsightScope, page: ListPage): Promise<TopPageRow[]> {
    return this.run<TopPageRow>(buildTopPagesSql(this.engine.database, scope, page), scope.filters);
  }

  async pagePerformance(scope: InsightScope, q: PagePerformanceQuery): Promise<PagePerformanceAnswer> {
    const rows = await this.run<PagePerformanceRow>(buildPagePerformanceSql(this.engine.database, scope, q));
    return {
      total_pages: rows[0]?.total_pages ?? 0,
      shown: rows.length,
      pages: rows.map(({ total_pages: _total, ...r }) => ({
        ...r,
        seo_signals: {
          high_bounce: r.bounce_rate > 70,
          low_engagement: r.avg_duration < 1,
          good_landing_page: r.bounce_rate < 40 && r.avg_duration > 2,
        },
      })),
    };
  }

  sessions(scope: InsightScope, page: ListPage): Promise<SessionRow[]> {
    return this.run<SessionRow>(buildSessionListSql(this.engine.database, scope, page), scope.filters);
  }

  private run<T>(statement: SqlStatement, filters?: Filter[]): Promise<T[]> {
    return this.engine.rows<T>('insights', statement, regexCandidates(filters, ['filters']));
  }
}
