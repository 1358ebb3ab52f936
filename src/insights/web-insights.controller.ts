import { Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { type BreakdownColumn, CHART_LIMITS, type SessionRow } from '@app/analytics';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ChartFilterDto } from '../export/dto/chart-definition.dto';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiJsonArrayQuery } from '../openapi/json-query.decorator';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import {
  EntryExitQueryDto,
  InsightFilteredQueryDto,
  InsightOverviewQueryDto,
  InsightPagedQueryDto,
  PagePerformanceQueryDto,
  pageOf,
  SESSION_EQUALITY_PARAMS,
  SessionsQueryDto,
  TrafficDevicesQueryDto,
  TrafficGeoQueryDto,
  TrafficReferrersQueryDto,
} from './dto/insight-query.dto';
import {
  BreakdownRowDto,
  LegacyMetricsResponseDto,
  InsightsLiveResponseDto,
  OverviewResponseDto,
  PagePerformanceResponseDto,
  PageRowDto,
  SessionRowDto,
} from './dto/web-insights.response.dto';
import { InsightsController } from './insights-access';
import { intervalForWindow, WebInsightsService } from './web-insights.service';

/** Filters on the session routes: the chart engine's grammar, on the session's own fields. */
export const SessionFilters = () =>
  ApiJsonArrayQuery({
    name: 'filters',
    description:
      'Filters, all of which must hold (the grammar of charts) on session fields: `path`/`origin` keep sessions that viewed ' +
      'such a page; `entryPath`, `exitPath`, `referrerName`, `utmSource`, `country`, `browser`, `duration`, `isBounce`... read ' +
      'the session itself (its first event for referrer, UTM, geo and device). An unknown field is a 400 (OpenPanel drops it)',
    items: ChartFilterDto,
    maxItems: CHART_LIMITS.maxFilters,
    examples: {
      country: { summary: 'From Germany', value: [{ name: 'country', operator: 'is', value: ['Germany'] }] },
      pricing: { summary: 'Viewed the pricing page', value: [{ name: 'path', operator: 'is', value: ['/pricing'] }] },
    },
  });

export const DATES_NOTE =
  "Dates are days of the project's calendar with both ends included (OpenPanel leaves out the last day of a date-only " +
  'window, today included), and `range` is honoured. Sessions count in the window where they start, each once, in its ' +
  'current state (a late event that bridges two sessions merges them).';

const TRAFFIC_NOTE =
  "Sessions per value of `breakdown` (of the session's first event), most first, ties by value; `name` is null for " +
  `sessions without one, \`prefix\` the country of a region or city. Default window: 30 days, 1000 rows per page. ${DATES_NOTE}`;

@InsightsController()
export class WebInsightsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly web: WebInsightsService,
  ) {}

  @Get('overview')
  @ApiOperation({
    operationId: 'insightsOverview',
    summary: 'Web analytics of a window: visitors, sessions, bounce rate, duration, views, revenue',
    description: `The summary of the window and every bucket of \`interval\`. Default window: the last 30 days, today included. ${DATES_NOTE}`,
  })
  @SessionFilters()
  @ApiResponse({ status: 200, type: OverviewResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async overview(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: InsightOverviewQueryDto,
  ): Promise<OverviewResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.overview(this.web.scope(project, q, '30d', q.filters), q.interval ?? 'day');
  }

  @Get('metrics')
  @ApiOperation({
    operationId: 'insightsMetrics',
    summary: 'Web analytics, legacy shape (`metrics` and `series`)',
    description:
      'The figures of `overview`, with the interval chosen from the window (hours within a day, then days up to 92, weeks up to ' +
      `186, months). Default window: the last 7 days, today included. A \`path\` filter keeps the sessions that viewed the page (OpenPanel switches to per-page figures then). ${DATES_NOTE}`,
  })
  @SessionFilters()
  @ApiResponse({ status: 200, type: LegacyMetricsResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async metrics(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: InsightFilteredQueryDto,
  ): Promise<LegacyMetricsResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    const scope = this.web.scope(project, q, '7d', q.filters);
    const { summary, series } = await this.web.overview(scope, intervalForWindow(scope.range.start, scope.range.end));
    return { metrics: summary, series };
  }

  @Get('live')
  @ApiOperation({
    operationId: 'insightsLive',
    summary: 'Visitors right now',
    description: 'Distinct visitors (profiles, devices for anonymous ones) with an event stored in the last 5 minutes.',
  })
  @ApiResponse({ status: 200, type: InsightsLiveResponseDto })
  @ApiErrors([404, 'Project not found'])
  async live(@CurrentClient() auth: AuthContext, @Param() params: InsightProjectParamsDto): Promise<InsightsLiveResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.live(project.id);
  }

  @Get('pages/top')
  @ApiOperation({
    operationId: 'insightsTopPages',
    summary: 'Most viewed pages',
    description:
      'Screen views per origin and path, most sessions first (ties by views, then origin and path), in pages of `limit` ' +
      '(default 1000). `sessions` counts the distinct sessions that viewed the page, found by device and time so that ' +
      'backdated events count in their session; `revenue` is the revenue of those sessions (OpenPanel sums the screen ' +
      `views' own revenue, always 0). Filters are the chart engine's, on the screen views. Default window: 30 days. ${DATES_NOTE}`,
  })
  @ApiJsonArrayQuery({
    name: 'filters',
    description: 'Filters on the screen views, all of which must hold (same grammar as charts)',
    items: ChartFilterDto,
    maxItems: CHART_LIMITS.maxFilters,
    examples: { germany: { summary: 'Views from Germany', value: [{ name: 'country', operator: 'is', value: ['Germany'] }] } },
  })
  @ApiResponse({ status: 200, type: [PageRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async topPages(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: InsightPagedQueryDto,
  ): Promise<PageRowDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.topPages(this.web.scope(project, q, '30d', q.filters), pageOf(q, 1000));
  }

  @Get('pages')
  @ApiOperation({
    operationId: 'insightsPages',
    summary: 'Most viewed pages (legacy)',
    description:
      'The answer of `pages/top` with the legacy defaults: the last 7 days, 10 rows per page. `cursor` (a page number) and ' +
      `\`limit\` are honoured, where OpenPanel ignores them. ${DATES_NOTE}`,
  })
  @ApiJsonArrayQuery({
    name: 'filters',
    description: 'Filters on the screen views, all of which must hold (same grammar as charts)',
    items: ChartFilterDto,
    maxItems: CHART_LIMITS.maxFilters,
  })
  @ApiResponse({ status: 200, type: [PageRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async pages(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: InsightPagedQueryDto,
  ): Promise<PageRowDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.topPages(this.web.scope(project, q, '7d', q.filters), pageOf(q, 10));
  }

  @Get('pages/performance')
  @ApiOperation({
    operationId: 'insightsPagePerformance',
    summary: 'Pages with engagement figures',
    description:
      'Per page (origin and path): its latest title, sessions, views, the mean minutes until the next screen view of the ' +
      'same session (0 for the last view of a session) and the percent of its sessions that bounced, with `seo_signals`. ' +
      'Sorted in the engine (ties by origin and path), so `total_pages` counts every matching page, not only the first ' +
      "1000 as OpenPanel's does; one row per page, titled by its latest title (OpenPanel splits a page by title); " +
      `\`search\` is any-case plain text on path, origin or title. Default window: 30 days. ${DATES_NOTE}`,
  })
  @ApiResponse({ status: 200, type: PagePerformanceResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async pagePerformance(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: PagePerformanceQueryDto,
  ): Promise<PagePerformanceResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.pagePerformance(this.web.scope(project, q, '30d'), {
      search: q.search,
      sortBy: q.sortBy ?? 'sessions',
      sortOrder: q.sortOrder ?? 'desc',
      limit: q.limit ?? 50,
    });
  }

  @Get('pages/entry_exit')
  @ApiOperation({
    operationId: 'insightsEntryExitPages',
    summary: 'Entry or exit pages',
    description:
      'Sessions per first (`mode=entry`) or last page, most first; `pageviews` are all screen views of those sessions. ' +
      `Default window: 30 days, 1000 rows per page. ${DATES_NOTE}`,
  })
  @SessionFilters()
  @ApiResponse({ status: 200, type: [PageRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async entryExit(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: EntryExitQueryDto,
  ): Promise<PageRowDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.entryExit(this.web.scope(project, q, '30d', q.filters), q.mode ?? 'entry', pageOf(q, 1000));
  }

  @Get('traffic/referrers')
  @ApiOperation({ operationId: 'insightsTrafficReferrers', summary: 'Sessions by referrer or UTM value', description: TRAFFIC_NOTE })
  @SessionFilters()
  @ApiResponse({ status: 200, type: [BreakdownRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async referrers(@CurrentClient() auth: AuthContext, @Param() params: InsightProjectParamsDto, @Query() q: TrafficReferrersQueryDto) {
    return this.traffic(auth, params, q, q.breakdown ?? 'referrer_name');
  }

  @Get('traffic/geo')
  @ApiOperation({ operationId: 'insightsTrafficGeo', summary: 'Sessions by country, region or city', description: TRAFFIC_NOTE })
  @SessionFilters()
  @ApiResponse({ status: 200, type: [BreakdownRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async geo(@CurrentClient() auth: AuthContext, @Param() params: InsightProjectParamsDto, @Query() q: TrafficGeoQueryDto) {
    return this.traffic(auth, params, q, q.breakdown ?? 'country');
  }

  @Get('traffic/devices')
  @ApiOperation({ operationId: 'insightsTrafficDevices', summary: 'Sessions by device type, browser or OS', description: TRAFFIC_NOTE })
  @SessionFilters()
  @ApiResponse({ status: 200, type: [BreakdownRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async devices(@CurrentClient() auth: AuthContext, @Param() params: InsightProjectParamsDto, @Query() q: TrafficDevicesQueryDto) {
    return this.traffic(auth, params, q, q.breakdown ?? 'device');
  }

  @Get('sessions')
  @ApiOperation({
    operationId: 'insightsSessions',
    summary: 'Sessions',
    description:
      'Sessions that started in the window, newest first (ties by id), each once in its current version (OpenPanel lists ' +
      'superseded versions too, in storage order, and ignores `range`). Default window: 30 days; 20 per page. ' +
      DATES_NOTE,
  })
  @SessionFilters()
  @ApiResponse({ status: 200, type: [SessionRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async sessions(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: SessionsQueryDto,
  ): Promise<SessionRow[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    const equalities = Object.entries(SESSION_EQUALITY_PARAMS).flatMap(([param, field]) => {
      const value = q[param as keyof typeof SESSION_EQUALITY_PARAMS];
      return value === undefined ? [] : [{ name: field, operator: 'is' as const, value: [value] }];
    });
    const scope = this.web.scope(project, q, '30d', [...(q.filters ?? []), ...equalities]);
    return this.web.sessions(scope, pageOf(q, 20));
  }

  private async traffic(auth: AuthContext, params: InsightProjectParamsDto, q: InsightPagedQueryDto, column: BreakdownColumn) {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.web.breakdown(this.web.scope(project, q, '30d', q.filters), column, pageOf(q, 1000));
  }
}
