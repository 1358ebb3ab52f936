import { Injectable } from '@nestjs/common';
import {
  buildChartSql,
  type ChartQuery,
  type ChartResponse,
  type ChartRow,
  type RangeInput,
  regexCandidates,
  shapeChartResponse,
} from '@app/analytics';
import { ApiError } from '@app/common';
import type { ProjectEntity } from '@app/database';
import type { ExportChartsQueryDto } from './dto/export-charts.query.dto';
import { EngineQueryService } from './engine-query.service';

/** Charts: the request becomes parameterised statements (@app/analytics), run, then shaped. */
@Injectable()
export class ExportChartsService {
  constructor(private readonly engine: EngineQueryService) {}

  async chart(project: ProjectEntity, q: ExportChartsQueryDto): Promise<ChartResponse> {
    const query = toChartQuery(project, q);
    // One instant for building and shaping, so both agree on every bucket of a named range.
    const now = new Date();
    const statements = buildChartSql(query, { database: this.engine.database, now });
    const regexes = query.events.flatMap((e, i) => regexCandidates(e.filters, ['events', i, 'filters']));
    const results = await Promise.all(statements.map((s) => this.engine.rows<ChartRow>('chart', s, regexes)));
    return shapeChartResponse(results.flat(), query, now);
  }
}

function toChartQuery(project: ProjectEntity, q: ExportChartsQueryDto): ChartQuery {
  const events = q.events ?? q.series;
  if (!events || events.length === 0) throw ApiError.badRequest('Invalid query parameters', [{ path: ['events'], message: 'Required' }]);
  return {
    projectId: project.id,
    timezone: project.timezone ?? 'UTC',
    events: events.map((e) => ({
      id: e.id,
      name: e.name,
      segment: e.segment ?? 'event',
      property: e.property,
      filters: (e.filters ?? []).map((f) => ({ name: f.name, operator: f.operator, value: f.value })),
    })),
    breakdowns: (q.breakdowns ?? []).map((b) => ({ name: b.name })),
    interval: q.interval ?? 'day',
    range: rangeOf(q),
    previous: q.previous ?? false,
  };
}

/** startDate and endDate together make a custom range; one without the other is an error. */
function rangeOf(q: ExportChartsQueryDto): RangeInput {
  if (q.startDate !== undefined && q.endDate !== undefined) return { startDate: q.startDate, endDate: q.endDate };
  if (q.startDate !== undefined)
    throw ApiError.badRequest('Invalid query parameters', [{ path: ['endDate'], message: 'Required with startDate' }]);
  if (q.endDate !== undefined)
    throw ApiError.badRequest('Invalid query parameters', [{ path: ['startDate'], message: 'Required with endDate' }]);
  return q.range ?? '30d';
}
