import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, RateLimit } from '../../auth';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { NOT_A_UUID, UuidParamDto } from '../dto/uuid.param.dto';
import { CreateErasureRequestDto } from './dto/create-erasure.request.dto';
import { ErasureCreatedResponseDto, ErasureDto, ErasureListResponseDto, ErasureResponseDto } from './dto/erasure.response.dto';
import { ListErasuresQueryDto } from './dto/list-erasures.query.dto';
import { ErasuresService } from './erasures.service';

@ApiTags('Manage: erasures')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/erasures')
export class ErasuresController {
  constructor(private readonly erasures: ErasuresService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createErasure',
    summary: 'Erase a person',
    description:
      'Erases a person of a project: its profile, its aliases and group memberships, and every event and session stored under its id or one of its aliases. ' +
      'Runs in the background and survives a restart; follow it with `GET /manage/erasures/{id}` until `done`.',
  })
  @ApiResponse({ status: 202, type: ErasureCreatedResponseDto })
  @ApiErrors(400, [404, 'Project not found'], 413)
  async create(@CurrentClient() auth: AuthContext, @Body() body: CreateErasureRequestDto): Promise<ErasureCreatedResponseDto> {
    const job = await this.erasures.request(auth.client.organizationId, auth.client.id, body);
    return { data: { id: job.id, status: job.status } };
  }

  @Get()
  @ApiOperation({ operationId: 'listErasures', summary: 'List erasures', description: "A project's erasures, newest first." })
  @ApiResponse({ status: 200, type: ErasureListResponseDto })
  @ApiErrors(400, [404, 'Project not found'])
  async list(@CurrentClient() auth: AuthContext, @Query() query: ListErasuresQueryDto): Promise<ErasureListResponseDto> {
    return { data: (await this.erasures.list(auth.client.organizationId, query.projectId)).map(ErasureDto.from) };
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getErasure',
    summary: 'Get an erasure',
    description: "Its status and what it removed. Another organisation's erasure is not found.",
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Erasure id' })
  @ApiResponse({ status: 200, type: ErasureResponseDto })
  @ApiErrors(NOT_A_UUID, [404, 'Erasure not found'])
  async get(@CurrentClient() auth: AuthContext, @Param() params: UuidParamDto): Promise<ErasureResponseDto> {
    return { data: ErasureDto.from(await this.erasures.get(auth.client.organizationId, params.id)) };
  }
}
