import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '@app/common';
import { AuthScopeOf, ClientModes, ProjectAccessService, RateLimit } from '../auth';
import { ExportEventsQueryDto } from './dto/export-events.query.dto';
import { ExportEventsService } from './export-events.service';

@ApiTags('Export')
@AuthScopeOf('export')
@RateLimit('export')
@ClientModes('read', 'root')
@Controller('export')
export class ExportController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly events: ExportEventsService,
  ) {}

  @Get('events')
  @ApiOperation({ operationId: 'exportEvents', summary: 'List events of a project', description: 'Newest first; ties broken by id.' })
  @ApiResponse({ status: 200, description: 'A page of events' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Project not found' })
  async exportEvents(@Req() req: FastifyRequest, @Query() query: ExportEventsQueryDto) {
    const project = await this.access.readableProject(req.auth!, query.projectId ?? query.project_id);
    return this.events.list(project.id, query.page ?? 1, query.limit ?? 50);
  }
}
