import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthScopeOf, ClientModes, RateLimit } from '../../auth';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { SuccessResponseDto } from '../dto/success.response.dto';
import { NOT_A_UUID, UuidParamDto } from '../dto/uuid.param.dto';
import { CreateReferenceRequestDto } from './dto/create-reference.request.dto';
import { ListReferencesQueryDto } from './dto/list-references.query.dto';
import { ReferenceDto, ReferenceListResponseDto, ReferenceResponseDto } from './dto/reference.response.dto';
import { UpdateReferenceRequestDto } from './dto/update-reference.request.dto';
import { ReferencesService } from './references.service';

const ID_PARAM = { name: 'id', format: 'uuid', description: 'Reference id' };
const NOT_FOUND: [404, string] = [404, 'Reference not found'];

@ApiTags('Manage: references')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/references')
export class ReferencesController {
  constructor(private readonly references: ReferencesService) {}

  @Get()
  @ApiOperation({
    operationId: 'listReferences',
    summary: 'List references',
    description: "All the organisation's references, or one project's with `projectId`; latest `date` first.",
  })
  @ApiResponse({ status: 200, type: ReferenceListResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async list(@Req() req: FastifyRequest, @Query() query: ListReferencesQueryDto): Promise<ReferenceListResponseDto> {
    const references = await this.references.list(req.auth!.client.organizationId, query.projectId);
    return { data: references.map(ReferenceDto.from) };
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getReference',
    summary: 'Get a reference',
    description: "By id. A reference of another organisation's project, or of a project scheduled for deletion, is not found.",
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ReferenceResponseDto })
  @ApiErrors(NOT_A_UUID, NOT_FOUND)
  async get(@Req() req: FastifyRequest, @Param() params: UuidParamDto): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.get(req.auth!.client.organizationId, params.id)) };
  }

  @Post()
  @ApiOperation({
    operationId: 'createReference',
    summary: 'Create a reference',
    description: 'A marker on the project\'s timeline (a launch, a campaign). `datetime` is answered as `date`.',
  })
  @ApiResponse({ status: 201, type: ReferenceResponseDto })
  @ApiErrors(400, [404, 'Project not found'], 413)
  async create(@Req() req: FastifyRequest, @Body() body: CreateReferenceRequestDto): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.create(req.auth!.client.organizationId, body)) };
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateReference', summary: 'Update a reference', description: 'Only the fields sent change; `description: null` clears it.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ReferenceResponseDto })
  @ApiErrors(400, NOT_FOUND, 413)
  async update(@Req() req: FastifyRequest, @Param() params: UuidParamDto, @Body() body: UpdateReferenceRequestDto): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.update(req.auth!.client.organizationId, params.id, body)) };
  }

  @Delete(':id')
  @ApiOperation({ operationId: 'deleteReference', summary: 'Delete a reference', description: 'Permanent.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: SuccessResponseDto })
  @ApiErrors(NOT_A_UUID, NOT_FOUND)
  async remove(@Req() req: FastifyRequest, @Param() params: UuidParamDto): Promise<SuccessResponseDto> {
    await this.references.remove(req.auth!.client.organizationId, params.id);
    return { success: true };
  }
}
