import { Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { DEFAULT_RETENTION_PERIODS, MAX_ACTIVE_USER_DAYS, MAX_RETENTION_BUCKETS } from '@app/analytics';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { BehaviourInsightsService } from './behaviour-insights.service';
import { ActiveUsersQueryDto, RetentionQueryDto } from './dto/behaviour-insights.query.dto';
import {
  ActiveUsersResponseDto,
  EngagementResponseDto,
  RetentionCohortRowDto,
  RetentionPointDto,
} from './dto/behaviour-insights.response.dto';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import { InsightsController } from './insights-access';

const IDENTIFIED_NOTE =
  "Users are identified profiles (events with a profile id); anonymous devices are left out. Periods are the project's " +
  'calendar days, weeks starting on Monday (OpenPanel: Sunday, in UTC) and months.';

const WINDOW_NOTE =
  `\`interval\` (day, week or month; default week) and a window, both of which OpenPanel lacks (it reads its whole history): ` +
  `without dates or \`range\` the current period and the ${DEFAULT_RETENTION_PERIODS} before it, up to the end of today; ` +
  `\`startDate\`/\`endDate\` are days of the project's calendar, both included (\`endDate\` alone: the 3 months ending ` +
  `with it). At most ${MAX_RETENTION_BUCKETS} periods.`;

@InsightsController()
export class BehaviourInsightsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly behaviour: BehaviourInsightsService,
  ) {}

  @Get('active_users')
  @ApiOperation({
    operationId: 'insightsActiveUsers',
    summary: 'Rolling active users (DAU, WAU, MAU)',
    description:
      'For every day of the window, oldest first, the distinct users with an event in the `days` days ending with it: ' +
      'profiles, and the device for anonymous visitors (as OpenPanel counts them), each counted once however many days ' +
      "they were active. Days are the project's calendar days. Default window: the last 30 days, today included; dates and " +
      `\`range\` as on the other insights routes (both ends included), at most ${MAX_ACTIVE_USER_DAYS} days. OpenPanel ` +
      'reads its whole history, answers days after its last day (into the future) and in no order: here only the days ' +
      'asked, each counting the events of its own window (read before the window where it reaches back).',
  })
  @ApiResponse({ status: 200, type: ActiveUsersResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async activeUsers(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: ActiveUsersQueryDto,
  ): Promise<ActiveUsersResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.behaviour.activeUsers(this.behaviour.activeUsersScope(project, q), q.days ?? 7);
  }

  @Get('retention')
  @ApiOperation({
    operationId: 'insightsRetention',
    summary: 'Period-over-period retention',
    description:
      'For every period of the window, oldest first (zero-filled): the profiles active in it and how many of them were ' +
      'active in the next period too (read past the window to its end, so the last, current period reads a period still ' +
      `to come). \`retention\` is in percent. ${IDENTIFIED_NOTE} ${WINDOW_NOTE}`,
  })
  @ApiResponse({ status: 200, type: [RetentionPointDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async retention(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: RetentionQueryDto,
  ): Promise<RetentionPointDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    const interval = q.interval ?? 'week';
    return this.behaviour.retention(this.behaviour.retentionScope(project, q, interval), interval);
  }

  @Get('retention/cohort')
  @ApiOperation({
    operationId: 'insightsRetentionCohort',
    summary: 'Retention by cohort',
    description:
      "A profile's cohort is the period of its first event inside the window; column k counts the cohort's profiles " +
      'seen k or more periods later ("on or after"; column 0 is the cohort), read past the window up to the last ' +
      "cohort's last column. One row per period of the window, oldest first, zero-filled, behind a first row " +
      '`Weighted Average`: for column k it pools only the cohorts whose k-th period has begun, `percentages` being ' +
      'their returns over their sizes, `sum` the mean cohort size and `values` percentage × mean size. `percentages` ' +
      `are fractions 0-1 (2 decimals). ${IDENTIFIED_NOTE} ${WINDOW_NOTE}`,
  })
  @ApiResponse({ status: 200, type: [RetentionCohortRowDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async cohort(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: RetentionQueryDto,
  ): Promise<RetentionCohortRowDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    const interval = q.interval ?? 'week';
    return this.behaviour.cohort(this.behaviour.retentionScope(project, q, interval), interval);
  }

  @Get('engagement')
  @ApiOperation({
    operationId: 'insightsEngagement',
    summary: 'Identified users by days since last seen',
    description:
      "Identified profiles (events with a profile id; anonymous devices left out) by the days between their last event's " +
      "day and today, in the project's calendar, over the whole history: 0-7, 8-14, 15-30, 31-60 and more than 60 days, " +
      'and every number of days that has profiles. An event dated after today counts as today.',
  })
  @ApiResponse({ status: 200, type: EngagementResponseDto })
  @ApiErrors([404, 'Project not found'])
  async engagement(@CurrentClient() auth: AuthContext, @Param() params: InsightProjectParamsDto): Promise<EngagementResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.behaviour.engagement(project);
  }
}
