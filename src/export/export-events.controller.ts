import { Controller, Get, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CHART_LIMITS } from '@app/analytics';
import type { FastifyRequest } from 'fastify';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, ProjectAccessService, RateLimit } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiJsonArrayQuery } from '../openapi/json-query.decorator';
import { ChartFilterDto } from './dto/chart-definition.dto';
import { ExportEventsQueryDto } from './dto/export-events.query.dto';
import { requestedProject } from './dto/project.query.dto';
import { ExportEventsResponseDto } from './dto/export-events.response.dto';
import { ExportEventsService } from './export-events.service';
import { exportFormat } from './export-format';
import { ExportStreamService, STREAM_CONTENT_TYPES } from './export-stream.service';

@ApiTags('Export')
@AuthScopeOf('export')
@RateLimit('export')
@ClientModes('read', 'root')
@Controller('export')
export class ExportEventsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly events: ExportEventsService,
    private readonly stream: ExportStreamService,
  ) {}

  @Get('events')
  @ApiOperation({
    operationId: 'exportEvents',
    summary: 'List or stream the events of a project',
    description:
      'Newest first, ties broken by id; `totalCount` counts exactly what the pages hold. JSON answers one page ' +
      '(`page`/`limit`, or `cursor` for keyset paging); `format=ndjson|csv` or `Accept: application/x-ndjson` / ' +
      '`text/csv` streams every matching event without a page limit (`page`, `limit` and `cursor` do not apply). ' +
      'In CSV, a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading ' +
      "single quote (`'=1+1`), so that spreadsheets show it as text instead of running it as a formula (OWASP CSV " +
      'injection); NDJSON and JSON carry every value exactly as stored. `session_start` and `session_end` are listed when ' +
      '`event` names them, answered from the sessions (built from the events shortly after they arrive), as OpenPanel lists them.',
  })
  @ApiJsonArrayQuery({
    name: 'filters',
    description: 'Filters, all of which must hold (same grammar as charts)',
    items: ChartFilterDto,
    maxItems: CHART_LIMITS.maxFilters,
    examples: {
      plan: { summary: 'Plan is pro', value: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] },
      country: {
        summary: 'From Germany or France, on the pricing page',
        value: [
          { name: 'country', operator: 'is', value: ['Germany', 'France'] },
          { name: 'path', operator: 'startsWith', value: ['/pricing'] },
        ],
      },
    },
  })
  // JSON only in the document, so that generated clients type the answer as the page; the
  // streams (NDJSON, CSV) are text any client reads as such, said in the description.
  @ApiResponse({
    status: 200,
    description:
      'A page of events. With `format=ndjson` or `format=csv` (or the matching `Accept`), every matching event instead, ' +
      "as `application/x-ndjson` (one event object of this page's `data` shape per line) or `text/csv` (a header row, then one row per event)",
    type: ExportEventsResponseDto,
  })
  @ApiErrors(400, [404, 'Project not found'], {
    status: 429,
    description:
      'Too many requests for this client, or a stream (`ndjson`/`csv`) past the bulk exports that may run at once ' +
      '(per client and per server; 2 and 4 unless configured); retry after `Retry-After` seconds',
  })
  async exportEvents(
    @CurrentClient() auth: AuthContext,
    @Req() req: FastifyRequest,
    @Query() query: ExportEventsQueryDto,
  ): Promise<ExportEventsResponseDto | StreamableFile> {
    const project = await this.access.readableProject(auth, requestedProject(query));
    const format = exportFormat(query.format, req.headers.accept);
    if (format === 'json') return this.events.list(project, query);
    return new StreamableFile(await this.stream.open(project, query, format, auth.client.id), { type: STREAM_CONTENT_TYPES[format] });
  }
}
