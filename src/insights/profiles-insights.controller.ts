import { Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { CHART_LIMITS, MAX_ACTIVITY_PROFILE_IDS, MAX_PROFILE_ID_LIST, type SessionRow } from '@app/analytics';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ChartFilterDto } from '../export/dto/chart-definition.dto';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiJsonArrayQuery } from '../openapi/json-query.decorator';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import { pageOf } from './dto/insight-query.dto';
import {
  ProfileDetailQueryDto,
  ProfileInsightParamsDto,
  ProfileSessionsQueryDto,
  ProfilesQueryDto,
} from './dto/profiles-insights.query.dto';
import { InsightProfileDetailDto, InsightProfileMetricsDto, InsightProfileRowDto } from './dto/profiles-insights.response.dto';
import { SessionRowDto } from './dto/web-insights.response.dto';
import { InsightsController } from './insights-access';
import { ProfilesInsightsService } from './profiles-insights.service';

const ID_NOTE = 'A numeric-looking id (`/profiles/123`) is the string id "123" (OpenPanel answers 400).';

const ALIAS_NOTE =
  `Events and sessions stored under the profile's aliases count as the profile's (as in /export/events?profileId=; at most ` +
  `${MAX_PROFILE_ID_LIST - 1} aliases): ingestion writes the profile's id for events sent under an alias once it is made, ` +
  'but those sent before keep the alias.';

/** `filters` of the profile list: the chart engine's grammar on the profile's own fields. */
const ProfileFilters = () =>
  ApiJsonArrayQuery({
    name: 'filters',
    description:
      "Filters on the profile's own fields, all of which must hold (the grammar of charts): `id`, `firstName`, `lastName`, " +
      '`email`, `avatar`, `isExternal` (`true`/`false`), `createdAt` (first seen: `is`, `isNot` and the comparisons take ' +
      'instants, a date alone being UTC midnight; the substring operators its ISO text) and `properties.<key>` (the key ' +
      'as stored, dots included); snake_case and the `profile.` prefix of charts are accepted too. A missing value reads ' +
      'as empty (`isNull` holds); substrings are case-sensitive, `%` and `_` plain characters; `gt`/`lt`/`gte`/`lte` ' +
      'compare numbers and leave out values that are not. `regex` is not available here, and last seen is not a field ' +
      '(use `inactiveDays`). An unknown field or operator is a 400 (OpenPanel drops it)',
    items: ChartFilterDto,
    maxItems: CHART_LIMITS.maxFilters,
    examples: {
      pro: { summary: 'On the pro plan', value: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] },
      domain: { summary: 'Email at example.com', value: [{ name: 'email', operator: 'endsWith', value: ['@example.com'] }] },
    },
  });

@InsightsController()
export class ProfilesInsightsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly profiles: ProfilesInsightsService,
  ) {}

  @Get('profiles')
  @ApiOperation({
    operationId: 'insightsProfiles',
    summary: 'Profiles, searched and filtered',
    description:
      'Profiles of the project read from PostgreSQL, where they are kept (OpenPanel reads its ClickHouse copy); event and ' +
      'session conditions are answered from events and sessions. All conditions given must hold. Unlike OpenPanel: `%` and `_` ' +
      'in `name` and `email` match themselves, `minSessions` counts each session once in its current version (OpenPanel counts ' +
      'stored rows, so superseded versions inflate it), and `cursor` pages through a stable order (first seen, then id). ' +
      '`last_seen_at` is the time of the newest event. 20 per page by default. `inactiveDays`, `minSessions` and ' +
      '`performedEvent` are answered from events as sets of profile ids, each of at most ' +
      `${MAX_ACTIVITY_PROFILE_IDS.toLocaleString('en-US')} profiles (for \`inactiveDays\`: of profiles active in the period); a ` +
      'condition that selects more is a 400 naming it, never a silently cut answer.',
  })
  @ProfileFilters()
  @ApiResponse({ status: 200, type: [InsightProfileRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async list(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: ProfilesQueryDto,
  ): Promise<InsightProfileRowDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.profiles.list(project, q, pageOf(q, 20));
  }

  @Get('profiles/:profileId')
  @ApiOperation({
    operationId: 'insightsProfile',
    summary: 'A profile and its newest events',
    description:
      "The profile and its `eventLimit` newest events, newest first, ties by id. An unknown profile is a 404 in this API's error " +
      `shape (OpenPanel answers \`{ error: "Profile not found", profileId }\`). ${ALIAS_NOTE} ${ID_NOTE}`,
  })
  @ApiResponse({ status: 200, type: InsightProfileDetailDto })
  @ApiErrors(400, [404, 'Project or profile not found'])
  async detail(
    @CurrentClient() auth: AuthContext,
    @Param() params: ProfileInsightParamsDto,
    @Query() q: ProfileDetailQueryDto,
  ): Promise<InsightProfileDetailDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.profiles.detail(project, params.profileId, q.eventLimit ?? 20);
  }

  @Get('profiles/:profileId/sessions')
  @ApiOperation({
    operationId: 'insightsProfileSessions',
    summary: "A profile's sessions",
    description:
      'The sessions identified as the profile, newest first (ties by id), each once in its current version: a late event that ' +
      `bridges two sessions shows the merged one only (OpenPanel lists superseded versions too until storage merges them). 20 per page. ` +
      `${ALIAS_NOTE} ${ID_NOTE}`,
  })
  @ApiResponse({ status: 200, type: [SessionRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async sessions(
    @CurrentClient() auth: AuthContext,
    @Param() params: ProfileInsightParamsDto,
    @Query() q: ProfileSessionsQueryDto,
  ): Promise<SessionRow[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.profiles.sessions(project, params.profileId, pageOf(q, 20));
  }

  @Get('profiles/:profileId/metrics')
  @ApiOperation({
    operationId: 'insightsProfileMetrics',
    summary: "A profile's engagement figures",
    description:
      "Figures from the profile's sessions (each once, current version) and its events. Unlike OpenPanel: `sessions` counts " +
      "sessions, not session_start events; `bounceRate` is the percent of its sessions that bounced (OpenPanel's is always 0); " +
      'durations are those of sessions that lasted; `avgTimeBetweenSessionsSec` is the mean gap between consecutive session ' +
      'starts (OpenPanel divides first-to-last-seen). An unknown profile gets zeros with null `firstSeen`/`lastSeen`, not a ' +
      `404, as upstream. ${ALIAS_NOTE} ${ID_NOTE}`,
  })
  @ApiResponse({ status: 200, type: InsightProfileMetricsDto })
  @ApiErrors(400, [404, 'Project not found'])
  async metrics(@CurrentClient() auth: AuthContext, @Param() params: ProfileInsightParamsDto): Promise<InsightProfileMetricsDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.profiles.metrics(project, params.profileId);
  }
}
