import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, RateLimit } from '../../auth';
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
  async list(@CurrentClient() auth: AuthContext, @Query() query: ListReferencesQueryDto): Promise<ReferenceListResponseDto> {
    const references = await this.references.list(auth.client.organizationId, query.projectId);
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
  async get(@CurrentClient() auth: AuthContext, @Param() params: UuidParamDto): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.get(auth.client.organizationId, params.id)) };
  }

  @Post()
  @ApiOperation({
    operationId: 'createReference',
    summary: 'Create a reference',
    description: "A marker on the project's timeline (a launch, a campaign). `datetime` is answered as `date`.",
  })
  @ApiResponse({ status: 201, type: ReferenceResponseDto })
  @ApiErrors(400, [404, 'Project not found'], 413)
  async create(@CurrentClient() auth: AuthContext, @Body() body: CreateReferenceRequestDto): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.create(auth.client.organizationId, body, auth.client.id)) };
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateReference',
    summary: 'Update a reference',
    description: 'Only the fields sent change; `description: null` clears it.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ReferenceResponseDto })
  @ApiErrors(400, NOT_FOUND, 413)
  async update(
    @CurrentClient() auth: AuthContext,
    @Param() params: UuidParamDto,
    @Body() body: UpdateReferenceRequestDto,
  ): Promise<ReferenceResponseDto> {
    return { data: ReferenceDto.from(await this.references.update(auth.client.organizationId, params.id, body, auth.client.id)) };
  }

  @Delete(':id')
  @ApiOperation({ operationId: 'deleteReference', summary: 'Delete a reference', description: 'Permanent.' })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: SuccessResponseDto })
  @ApiErrors(NOT_A_UUID, NOT_FOUND)
  async remove(@CurrentClient() auth: AuthContext, @Param() params: UuidParamDto): Promise<SuccessResponseDto> {
    await this.references.remove(auth.client.organizationId, params.id, auth.client.id);
    return { success: true };
  }
}
