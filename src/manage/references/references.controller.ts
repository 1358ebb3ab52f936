import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '@app/common';
import { AuthScopeOf, ClientModes, RateLimit } from '../../auth';
import { SuccessResponseDto } from '../dto/success.response.dto';
import { UuidParamDto } from '../dto/uuid.param.dto';
import { CreateReferenceRequestDto } from './dto/create-reference.request.dto';
import { ListReferencesQueryDto } from './dto/list-references.query.dto';
import { ReferenceDto, ReferenceListResponseDto, ReferenceResponseDto } from './dto/reference.response.dto';
import { UpdateReferenceRequestDto } from './dto/update-reference.request.dto';
import { ReferencesService } from './references.service';

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
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Project not found' })
  async list(@Req() req: FastifyRequest, @Query() query: ListReferencesQueryDto): Promise<ReferenceListResponseDto> {
    const references = await this.references.list(req.auth!.client.organizationId, query.projectId);
    return { data: references.map(ReferenceDto.from) };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getReference', summary: 'Get a reference' })
  @ApiResponse({ status: 200, type: ReferenceResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'The id is not a UUID' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Reference not found' })
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
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Project not found' })
  async create(@Req() req: FastifyRequest, @Body() body: CreateReferenceRequestDto): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.create(req.auth!.client.organizationId, body)) };
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateReference', summary: 'Update a reference', description: 'Only the fields sent change; `description: null` clears it.' })
  @ApiResponse({ status: 200, type: ReferenceResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Reference not found' })
  async update(@Req() req: FastifyRequest, @Param() params: UuidParamDto, @Body() body: UpdateReferenceRequestDto): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.update(req.auth!.client.organizationId, params.id, body)) };
  }

  @Delete(':id')
  @ApiOperation({ operationId: 'deleteReference', summary: 'Delete a reference', description: 'Permanent.' })
  @ApiResponse({ status: 200, type: SuccessResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'The id is not a UUID' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Reference not found' })
  async remove(@Req() req: FastifyRequest, @Param() params: UuidParamDto): Promise<SuccessResponseDto> {
    await this.references.remove(req.auth!.client.organizationId, params.id);
    return { success: true };
  }
}
