import { Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { invalid, USER_FLOW_LIMITS, USER_FLOW_SETTINGS } from '@app/analytics';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { UserFlowQueryDto } from './dto/flow-insights.query.dto';
import { UserFlowResponseDto } from './dto/flow-insights.response.dto';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import { FlowInsightsService } from './flow-insights.service';
import { InsightsController } from './insights-access';
import { WebInsightsService } from './web-insights.service';

@InsightsController()
export class FlowInsightsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly flow: FlowInsightsService,
    private readonly web: WebInsightsService,
  ) {}

  @Get('user_flow')
  @ApiOperation({
    operationId: 'insightsUserFlow',
    summary: 'User flow (Sankey chart)',
    description:
      'The paths of event names sessions took after `startEvent`, before it, or between it and `endEvent`, as the nodes and ' +
      "links of a Sankey chart (OpenPanel's fields). Per session: its events in the window in time order, `session_start` and " +
      '`session_end` at its ends, filtered by `include`/`exclude`, repeats in a row collapsed; `after` takes `steps` names from ' +
      'the first startEvent and stops before a name comes back, `before` the `steps` names up to the first startEvent, ' +
      '`between` the `after` path of the sessions in which it reaches endEvent, up to it. The chart keeps the 3 most frequent ' +
      'entry names, the 3 most frequent next names of each node, links of at least 0.25 % of the sessions shown, and merges ' +
      'end nodes of one name into `<name>::final`. Unlike OpenPanel: sessions are cut from the events as the session builder ' +
      'cuts them (device, 30-minute gap), so backdated and imported events, which carry no session id, are in their session ' +
      '(OpenPanel groups by the stored id, putting all of those into one path); a session counts on a link only when it ' +
      'reached the source through shown links (OpenPanel counts every session with that pair at that step, so a node can ' +
      'send on more than reached it); `between` finds the first endEvent after startEvent within `steps` (OpenPanel looks in ' +
      'the first `steps` events of the session only); `between` without endEvent is a 400 (a 500 upstream); percentages have ' +
      `2 decimals. Default window: the last 30 days, today included; dates as on the other insights routes. At most ` +
      `${USER_FLOW_LIMITS.maxNames} names in include and exclude each; a window with more than ` +
      `${USER_FLOW_SETTINGS.max_result_rows.toLocaleString('en-US')} distinct paths is a 400 (narrow it). Events of a device at the same millisecond are ordered by name.`,
  })
  @ApiResponse({ status: 200, type: UserFlowResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async userFlow(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: UserFlowQueryDto,
  ): Promise<UserFlowResponseDto> {
    const mode = q.mode ?? 'after';
    if (mode === 'between' && q.endEvent === undefined) throw invalid(['endEvent'], 'endEvent is required in between mode');
    const project = await this.access.readableProject(auth, params.projectId);
    return this.flow.userFlow(this.web.scope(project, q, '30d'), {
      startEvent: q.startEvent,
      endEvent: q.endEvent,
      mode,
      steps: q.steps ?? USER_FLOW_LIMITS.defaultSteps,
      include: q.include,
      exclude: q.exclude,
    });
  }
}
