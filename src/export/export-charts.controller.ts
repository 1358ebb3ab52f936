import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CHART_LIMITS } from '@app/analytics';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, ProjectAccessService, RateLimit } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiJsonArrayQuery } from '../openapi/json-query.decorator';
import { ChartBreakdownDto, ChartEventDto, ChartFilterDto } from './dto/chart-definition.dto';
import { ExportChartsQueryDto } from './dto/export-charts.query.dto';
import { requestedProject } from './dto/project.query.dto';
import { ExportChartsResponseDto } from './dto/export-charts.response.dto';
import { ExportChartsService } from './export-charts.service';

@ApiTags('Export')
@AuthScopeOf('export')
@RateLimit('export')
@ClientModes('read', 'root')
@ApiExtraModels(ChartEventDto, ChartFilterDto, ChartBreakdownDto)
@Controller('export')
export class ExportChartsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly charts: ExportChartsService,
  ) {}

  @Get('charts')
  @ApiOperation({
    operationId: 'exportCharts',
    summary: 'Chart data of a project',
    description:
      'One series per event and breakdown value combination, every bucket of the range present (zero-filled) in the ' +
      "project's time zone, with `previous` the same figures for the period of the same length just before. " +
      '`events` (or `series`) and `breakdowns` carry JSON objects (see each parameter). An answer holds at most ' +
      `${CHART_LIMITS.maxValues} values (series x breakdown groups x buckets, the previous period's buckets included): ` +
      'a request that needs more even with one group per series is a 400 saying so, and with breakdowns each series keeps ' +
      `its largest groups, at most ${CHART_LIMITS.maxBreakdownGroups} and fewer when more would not fit.`,
  })
  @ApiJsonArrayQuery({
    name: 'events',
    description: 'The series to compute (required unless `series` is given)',
    items: ChartEventDto,
    minItems: 1,
    maxItems: CHART_LIMITS.maxSeries,
    prefill: [{ name: 'screen_view', segment: 'event' }],
  })
  @ApiJsonArrayQuery({
    name: 'series',
    description: 'Alias of events',
    items: ChartEventDto,
    maxItems: CHART_LIMITS.maxSeries,
    examples: {
      proUsers: {
        summary: 'Distinct users on the pro plan',
        value: [
          { id: 'pro', name: 'screen_view', segment: 'user', filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] },
        ],
      },
      revenue: {
        summary: 'Sum of a numeric property',
        value: [{ name: 'purchase', segment: 'property_sum', property: 'properties.total' }],
      },
    },
  })
  @ApiJsonArrayQuery({
    name: 'breakdowns',
    description: 'Fields to split each series by',
    items: ChartBreakdownDto,
    maxItems: CHART_LIMITS.maxBreakdowns,
    examples: {
      country: { summary: 'By country', value: [{ name: 'country' }] },
      countryAndBrowser: { summary: 'By country, then browser', value: [{ name: 'country' }, { name: 'browser' }] },
    },
  })
  @ApiResponse({ status: 200, type: ExportChartsResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async exportCharts(@CurrentClient() auth: AuthContext, @Query() query: ExportChartsQueryDto): Promise<ExportChartsResponseDto> {
    const project = await this.access.readableProject(auth, requestedProject(query));
    return this.charts.chart(project, query);
  }
}
