import { Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiQuery, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { CHART_LIMITS, FUNNEL_LIMITS } from '@app/analytics';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ChartFilterDto } from '../export/dto/chart-definition.dto';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiJsonArrayQuery } from '../openapi/json-query.decorator';
import { FunnelQueryDto, FunnelStepDto } from './dto/funnel-insights.query.dto';
import { FunnelResponseDto } from './dto/funnel-insights.response.dto';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import { FunnelInsightsService } from './funnel-insights.service';
import { InsightsController } from './insights-access';
import { WebInsightsService } from './web-insights.service';

@InsightsController()
export class FunnelInsightsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly funnels: FunnelInsightsService,
    private readonly web: WebInsightsService,
  ) {}

  @Get('funnel')
  @ApiOperation({
    operationId: 'insightsFunnel',
    summary: 'Funnel',
    description:
      `How many sessions (or profiles) went through ${FUNNEL_LIMITS.minSteps} to ${FUNNEL_LIMITS.maxSteps} \`steps\` in order, ` +
      'each step strictly after the previous one and within `windowHours` of the first; the furthest step reached counts for ' +
      'every step before it. Beyond OpenPanel: a step may carry `filters` of its own, and `nonStrictOrdering` is a parameter ' +
      "(OpenPanel's is a server setting). `filters` apply to the events of every step. Default window: the last 30 days, " +
      "today included; dates are days of the project's calendar with both ends included. Where this differs from OpenPanel, " +
      'on purpose: sessions are found from the device and time of each event (OpenPanel groups by the stored session id, ' +
      'empty for backdated events, which then all fall into one "session"); `profile_id` counts identified profiles only ' +
      '(OpenPanel counts each anonymous device as a profile); a repeated step (`screen_view` then `screen_view`) is reached ' +
      "by a second event (OpenPanel's strict mode restarts the chain at it and never passes the step).",
  })
  @ApiExtraModels(FunnelStepDto)
  @ApiQuery({
    name: 'steps',
    required: true,
    style: 'form',
    explode: true,
    description:
      'The steps, in order: event names repeated (`steps=view&steps=checkout`, as OpenPanel takes them), one JSON array of ' +
      'names and step objects (`steps=["view",{"name":"checkout","filters":[{"name":"properties.plan","operator":"is","value":["pro"]}]}]`), ' +
      'or a JSON step object per repeated value. A value starting with `{` or `[` must be valid JSON.',
    schema: {
      type: 'array',
      minItems: FUNNEL_LIMITS.minSteps,
      maxItems: FUNNEL_LIMITS.maxSteps,
      items: { oneOf: [{ type: 'string', maxLength: 255 }, { $ref: getSchemaPath(FunnelStepDto) }] },
    },
    examples: {
      names: { summary: 'Event names', value: ['screen_view', 'sign_up'] },
      filtered: {
        summary: 'A step with filters',
        value: [
          'screen_view',
          JSON.stringify({ name: 'checkout', filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] }),
        ],
      },
    },
  })
  @ApiJsonArrayQuery({
    name: 'filters',
    description: 'Filters on the events of every step, all of which must hold (same grammar as charts)',
    items: ChartFilterDto,
    maxItems: CHART_LIMITS.maxFilters,
    examples: { chrome: { summary: 'Chrome only', value: [{ name: 'browser', operator: 'is', value: ['Chrome'] }] } },
  })
  @ApiResponse({ status: 200, type: FunnelResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async funnel(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: FunnelQueryDto,
  ): Promise<FunnelResponseDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.funnels.funnel(this.web.scope(project, q, '30d', q.filters), {
      steps: q.steps,
      windowHours: q.windowHours ?? FUNNEL_LIMITS.defaultWindowHours,
      groupBy: q.groupBy ?? 'session_id',
      nonStrictOrdering: q.nonStrictOrdering ?? false,
    });
  }
}
