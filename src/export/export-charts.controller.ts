import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CHART_LIMITS } from '@app/analytics';
import { AuthScopeOf, ClientModes, ProjectAccessService, RateLimit } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ChartBreakdownDto, ChartEventDto, ChartFilterDto } from './dto/chart-definition.dto';
import { ExportChartsQueryDto } from './dto/export-charts.query.dto';
import { ExportChartsResponseDto } from './dto/export-charts.response.dto';
import { ExportChartsService } from './export-charts.service';

const EVENTS_SCHEMA = { type: 'array', minItems: 1, maxItems: CHART_LIMITS.maxSeries, items: { $ref: getSchemaPath(ChartEventDto) } } as const;

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
      '`events` (or `series`) and `breakdowns` are URL-encoded JSON arrays. An answer holds at most ' +
      `${CHART_LIMITS.maxValues} values (series x breakdown groups x buckets, the previous period's buckets included): ` +
      'a request that needs more even with one group per series is a 400 saying so, and with breakdowns each series keeps ' +
      `its largest groups, at most ${CHART_LIMITS.maxBreakdownGroups} and fewer when more would not fit.`,
  })
  @ApiQuery({ name: 'events', required: false, description: 'The series to compute (required unless `series` is given)', content: { 'application/json': { schema: EVENTS_SCHEMA } } })
  @ApiQuery({ name: 'series', required: false, description: 'Alias of events', content: { 'application/json': { schema: EVENTS_SCHEMA } } })
  @ApiQuery({
    name: 'breakdowns',
    required: false,
    description: 'Fields to split each series by',
    content: { 'application/json': { schema: { type: 'array', maxItems: CHART_LIMITS.maxBreakdowns, items: { $ref: getSchemaPath(ChartBreakdownDto) } } } },
  })
  @ApiResponse({ status: 200, type: ExportChartsResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async exportCharts(@Req() req: FastifyRequest, @Query() query: ExportChartsQueryDto): Promise<ExportChartsResponseDto> {
    const project = await this.access.readableProject(req.auth!, query.projectId ?? query.project_id);
    return this.charts.chart(project, query);
  }
}
