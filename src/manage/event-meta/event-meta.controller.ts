import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, RateLimit } from '../../auth';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { SuccessResponseDto } from '../dto/success.response.dto';
import { EventMetaParamsDto, ListEventMetaQueryDto, PutEventMetaRequestDto } from './dto/event-meta.request.dto';
import { EventMetaDto, EventMetaListResponseDto, EventMetaResponseDto } from './dto/event-meta.response.dto';
import { EventMetaService } from './event-meta.service';

@ApiTags('Manage: event meta')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/event-meta')
export class EventMetaController {
  constructor(private readonly meta: EventMetaService) {}

  @Get()
  @ApiOperation({ operationId: 'listEventMeta', summary: "List a project's event descriptions", description: 'By event name.' })
  @ApiResponse({ status: 200, type: EventMetaListResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async list(@CurrentClient() auth: AuthContext, @Query() query: ListEventMetaQueryDto): Promise<EventMetaListResponseDto> {
    const rows = await this.meta.list(auth.client.organizationId, query.projectId);
    return { data: rows.map(EventMetaDto.from) };
  }

  @Put(':projectId/:name')
  @ApiOperation({
    operationId: 'putEventMeta',
    summary: 'Describe an event name',
    description:
      'Creates or replaces the description and conversion flag of one event name of a project; `/export/events?includes=meta` shows them.',
  })
  @ApiResponse({ status: 200, type: EventMetaResponseDto })
  @ApiErrors(400, [404, 'Project not found'], 413)
  async put(
    @CurrentClient() auth: AuthContext,
    @Param() params: EventMetaParamsDto,
    @Body() body: PutEventMetaRequestDto,
  ): Promise<EventMetaResponseDto> {
    return {
      data: EventMetaDto.from(await this.meta.put(auth.client.organizationId, params.projectId, params.name, body, auth.client.id)),
    };
  }

  @Delete(':projectId/:name')
  @ApiOperation({
    operationId: 'deleteEventMeta',
    summary: 'Remove the description of an event name',
    description: 'Deletes its description and conversion flag; the events themselves stay. An event name that has none is a 404.',
  })
  @ApiResponse({ status: 200, type: SuccessResponseDto })
  @ApiErrors(
    {
      status: 400,
      description: 'Invalid path parameters (e.g. a name over 255 characters)',
      message: 'Invalid path parameters',
      details: [{ path: ['name'], message: 'String must contain at most 255 character(s)' }],
    },
    { status: 404, description: 'Project or event meta not found', message: 'Event meta not found' },
  )
  async remove(@CurrentClient() auth: AuthContext, @Param() params: EventMetaParamsDto): Promise<SuccessResponseDto> {
    await this.meta.remove(auth.client.organizationId, params.projectId, params.name, auth.client.id);
    return { success: true };
  }
}
