import { Injectable } from '@nestjs/common';
import {
  buildEventNamesSql,
  buildEventPropertiesSql,
  buildInsightEventsSql,
  buildPropertyValuesSql,
  FILTERABLE_EVENT_COLUMNS,
  type Filter,
  type InsightEventsQuery,
  PROPERTY_KEYS_WINDOW_DAYS,
  regexCandidates,
  type SqlStatement,
} from '@app/analytics';
import { EngineQueryService } from '../export/engine-query.service';
import type { EventPropertiesResponseDto, EventPropertyValuesResponseDto, InsightEventRowDto } from './dto/events-insights.response.dto';

const DAY_MS = 86_400_000;

/** The event routes of the insights API: one parameterised statement of @app/analytics each. */
@Injectable()
export class EventsInsightsService {
  constructor(private readonly engine: EngineQueryService) {}

  events(q: InsightEventsQuery): Promise<InsightEventRowDto[]> {
    return this.run<InsightEventRowDto>(buildInsightEventsSql(this.engine.database, q), q.scope.filters);
  }

  async names(projectId: string): Promise<string[]> {
    const rows = await this.run<{ name: string }>(buildEventNamesSql(this.engine.database, projectId));
    return rows.map((r) => r.name);
  }

  async properties(projectId: string, eventName?: string, now = new Date()): Promise<EventPropertiesResponseDto> {
    const since = new Date(now.getTime() - PROPERTY_KEYS_WINDOW_DAYS * DAY_MS);
    const properties = await this.run<{ property_key: string; event_name: string }>(
      buildEventPropertiesSql(this.engine.database, projectId, since, eventName),
    );
    return { columns: [...FILTERABLE_EVENT_COLUMNS], properties };
  }

  async propertyValues(projectId: string, eventName: string, propertyKey: string): Promise<EventPropertyValuesResponseDto> {
    const rows = await this.run<{ value: string }>(buildPropertyValuesSql(this.engine.database, projectId, eventName, propertyKey));
    return { event: eventName, property: propertyKey, values: rows.map((r) => r.value) };
  }

  private run<T>(statement: SqlStatement, filters?: Filter[]): Promise<T[]> {
    return this.engine.rows<T>('insights', statement, regexCandidates(filters, ['filters']));
  }
}
