import { Injectable } from '@nestjs/common';
import { buildEventCountsSql } from '@app/analytics';
import { ClickhouseService } from '@app/clickhouse';

/**
 * `eventsCount` of a project, counted in ClickHouse when a project is shown: exact (events
 * are stored once, and the count reads only the project's part of the primary key), and
 * never out of step with what an export returns, as a counter kept beside the events would be.
 */
@Injectable()
export class ProjectEventCountsService {
  constructor(private readonly clickhouse: ClickhouseService) {}

  async counts(projectIds: string[]): Promise<Map<string, number>> {
    if (projectIds.length === 0) return new Map();
    const statement = buildEventCountsSql(projectIds, this.clickhouse.database);
    const result = await this.clickhouse.client.query({ query: statement.sql, query_params: statement.params, format: 'JSONEachRow' });
    const rows = await result.json<{ project_id: string; events: string | number }>();
    return new Map(rows.map((r) => [r.project_id, Number(r.events)]));
  }

  async count(projectId: string): Promise<number> {
    return (await this.counts([projectId])).get(projectId) ?? 0;
  }
}
