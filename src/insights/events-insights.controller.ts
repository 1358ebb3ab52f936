import { Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { CHART_LIMITS, EVENT_NAMES_LIMIT, PROPERTY_KEYS_WINDOW_DAYS } from '@app/analytics';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ChartFilterDto } from '../export/dto/chart-definition.dto';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiJsonArrayQuery } from '../openapi/json-query.decorator';
import {
  EVENT_EQUALITY_PARAMS,
  EventPropertiesQueryDto,
  EventPropertyValuesQueryDto,
  InsightEventsQueryDto,
  PROPERTIES_QUERY_DOC,
} from './dto/events-insights.query.dto';
import { EventPropertiesResponseDto, EventPropertyValuesResponseDto, InsightEventRowDto } from './dto/events-insights.response.dto';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import { pageOf } from './dto/insight-query.dto';
import { EventsInsightsService } from './events-insights.service';
import { InsightsController } from './insights-access';
import { WebInsightsService } from './web-insights.service';

@InsightsController()
export class EventsInsightsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly events: EventsInsightsService,
    private readonly web: WebInsightsService,
  ) {}

  @Get('events')
  @ApiOperation({
    operationId: 'insightsEvents',
    summary: 'Events',
    description:
      "Raw events of the window with the columns of OpenPanel's events table, newest first (ties by id), 20 per page; " +
      '`cursor` (a page number) pages through that stable order, where OpenPanel has no ORDER BY and no paging. ' +
      'Every parameter given must hold: `eventNames`, the equality parameters, each pair of `properties`, and the chart ' +
      "engine's `filters` on events. Default window: the last 30 days, today included. Dates are days of the project's " +
      'calendar with both ends included, and `range` is honoured (OpenPanel ignores it, and leaves out the last day of a ' +
      'date-only window). A numeric-looking `profileId` is a string here (a 400 upstream).',
  })
  @ApiJsonArrayQuery({
    name: 'filters',
    description: 'Filters on the events, all of which must hold (same grammar as charts)',
    items: ChartFilterDto,
    maxItems: CHART_LIMITS.maxFilters,
    examples: { pro: { summary: 'Pro plan', value: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] } },
  })
  @ApiQuery({ name: 'properties', required: false, type: String, description: PROPERTIES_QUERY_DOC, example: '{"plan":"pro"}' })
  @ApiResponse({ status: 200, type: [InsightEventRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async list(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: InsightEventsQueryDto,
  ): Promise<InsightEventRowDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    const equals = Object.fromEntries(
      Object.entries(EVENT_EQUALITY_PARAMS).flatMap(([param, column]) => {
        const value = q[param as keyof typeof EVENT_EQUALITY_PARAMS];
        return value === undefined ? [] : [[column, value]];
      }),
    );
    return this.events.events({
      scope: this.web.scope(project, q, '30d', q.filters),
      eventNames: q.eventNames,
      equals,
      properties: q.properties,
      page: pageOf(q, 20),
    });
  }

  @Get('events/names')
  @ApiOperation({
    operationId: 'insightsEventNames',
    summary: 'Most frequent event names',
    description:
      `The project's ${EVENT_NAMES_LIMIT} most frequent event names over its whole history, by exact event count, ties by ` +
      'name (OpenPanel ranks by the rows of an aggregate view, an approximation of popularity).',
  })
  @ApiResponse({ status: 200, type: [String] })
  @ApiErrors([404, 'Project not found'])
  async names(@CurrentClient() auth: AuthContext, @Param() params: InsightProjectParamsDto): Promise<string[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.events.names(project.id);
  }

  @Get('events/properties')
  @ApiOperation({
    operationId: 'insightsEventProperties',
    summary: 'Event property keys',
    description:
      '`columns`: the event columns filters can name. `properties`: distinct (key, event name) pairs of the properties with ' +
      `a non-empty value, of the events of the last ${PROPERTY_KEYS_WINDOW_DAYS} days (OpenPanel reads an aggregate view over ` +
      'all history), optionally of one `eventName`, ordered by key then event name (OpenPanel by key only), at most 500. ' +
      'Bookkeeping keys (`__duration_from`, `__properties_from`) are left out.',
  })
  @ApiResponse({ status: 200, type: EventPropertiesResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async properties(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: EventPropertiesQueryDto,
  ): Promise<EventPropertiesResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.events.properties(project.id, q.eventName);
  }

  @Get('events/property_values')
  @ApiOperation({
    operationId: 'insightsEventPropertyValues',
    summary: 'Values of an event property',
    description:
      'Up to 200 distinct non-empty values of `propertyKey` on the events named `eventName`, over all history, the most ' +
      'recently seen first (ties by value). Both parameters are required. A bookkeeping key (`__duration_from`, ' +
      '`__properties_from`) has no values here, as `events/properties` does not list it.',
  })
  @ApiResponse({ status: 200, type: EventPropertyValuesResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async propertyValues(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: EventPropertyValuesQueryDto,
  ): Promise<EventPropertyValuesResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.events.propertyValues(project.id, q.eventName, q.propertyKey);
  }
}
