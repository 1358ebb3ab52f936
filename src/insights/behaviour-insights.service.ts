import { Injectable } from '@nestjs/common';
import {
  type ActiveUsersAnswer,
  type ActiveUsersRow,
  activeUserDays,
  activeUsersSeries,
  buildActiveUsersSql,
  buildEngagementSql,
  buildRetentionCohortSql,
  buildRetentionSeriesSql,
  cohortTable,
  type CohortRow,
  defaultRetentionRange,
  type EngagementAnswer,
  engagementOf,
  type EngagementRow,
  type InsightDates,
  type InsightScope,
  resolveInsightDates,
  type RetentionCohortRow,
  retentionBuckets,
  type RetentionInterval,
  type RetentionPoint,
  retentionSeries,
  type RetentionSeriesRow,
  type SqlStatement,
} from '@app/analytics';
import type { ProjectEntity } from '@app/database';
import { EngineQueryService } from '../export/engine-query.service';

/**
 * Retention, rolling active users and engagement: each answer is one statement of
 * @app/analytics (one scan of events, grouped per user), shaped here into OpenPanel's fields.
 */
@Injectable()
export class BehaviourInsightsService {
  constructor(private readonly engine: EngineQueryService) {}

  /** The retention window: the dates asked (3 months when only `endDate`), else the default periods. */
  retentionScope(project: ProjectEntity, dates: InsightDates, interval: RetentionInterval, now = new Date()): InsightScope {
    const timezone = project.timezone ?? 'UTC';
    const asked = dates.startDate !== undefined || dates.endDate !== undefined || dates.range !== undefined;
    const range = asked ? resolveInsightDates(dates, timezone, now, '3m') : defaultRetentionRange(interval, timezone, now);
    return { projectId: project.id, timezone, range };
  }

  /** The `active_users` window: the dates asked, else the last 30 days, today included. */
  activeUsersScope(project: ProjectEntity, dates: InsightDates, now = new Date()): InsightScope {
    const timezone = project.timezone ?? 'UTC';
    return { projectId: project.id, timezone, range: resolveInsightDates(dates, timezone, now, '30d') };
  }

  async retention(scope: InsightScope, interval: RetentionInterval): Promise<RetentionPoint[]> {
    const buckets = retentionBuckets(scope, interval);
    const rows = await this.run<RetentionSeriesRow>(buildRetentionSeriesSql(this.engine.database, scope, interval));
    return retentionSeries(rows, buckets, scope.timezone);
  }

  async cohort(scope: InsightScope, interval: RetentionInterval, now = new Date()): Promise<CohortRow[]> {
    const buckets = retentionBuckets(scope, interval);
    const rows = await this.run<RetentionCohortRow>(buildRetentionCohortSql(this.engine.database, scope, interval));
    return cohortTable(rows, buckets, interval, scope.timezone, now);
  }

  async activeUsers(scope: InsightScope, days: number): Promise<ActiveUsersAnswer> {
    const list = activeUserDays(scope);
    const rows = await this.run<ActiveUsersRow>(buildActiveUsersSql(this.engine.database, scope, days));
    return activeUsersSeries(rows, list, days, scope.timezone);
  }

  async engagement(project: ProjectEntity, now = new Date()): Promise<EngagementAnswer> {
    const rows = await this.run<EngagementRow>(buildEngagementSql(this.engine.database, project.id, project.timezone ?? 'UTC', now));
    return engagementOf(rows);
  }

  private run<T>(statement: SqlStatement): Promise<T[]> {
    return this.engine.rows<T>('insights', statement);
  }
}
