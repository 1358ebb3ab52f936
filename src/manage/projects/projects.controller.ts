import { Body, Controller, Get, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponseDto } from '@app/common';
import { AuthScopeOf, ClientModes, RateLimit } from '../../auth';
import { CreateProjectRequestDto } from './dto/create-project.request.dto';
import { CreatedProjectResponseDto, ProjectDto, ProjectListResponseDto, ProjectResponseDto } from './dto/project.response.dto';
import { ProjectsService } from './projects.service';

@ApiTags('Manage: projects')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @ApiOperation({ operationId: 'listProjects', summary: 'List the projects of your organisation', description: 'Newest first; projects scheduled for deletion are not listed.' })
  @ApiResponse({ status: 200, type: ProjectListResponseDto })
  async list(@Req() req: FastifyRequest): Promise<ProjectListResponseDto> {
    const projects = await this.projects.list(req.auth!.client.organizationId);
    return { data: projects.map(ProjectDto.from) };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getProject', summary: 'Get a project' })
  @ApiResponse({ status: 200, type: ProjectResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'Project not found' })
  async get(@Req() req: FastifyRequest, @Param('id') id: string): Promise<ProjectResponseDto> {
    return { data: ProjectDto.from(await this.projects.get(req.auth!.client.organizationId, id)) };
  }

  @Post()
  @ApiOperation({
    operationId: 'createProject',
    summary: 'Create a project',
    description: 'Also creates a write client named "First client"; its secret is in this answer only.',
  })
  @ApiResponse({ status: 201, type: CreatedProjectResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  async create(@Req() req: FastifyRequest, @Body() body: CreateProjectRequestDto): Promise<CreatedProjectResponseDto> {
    const { project, client } = await this.projects.create(req.auth!.client.organizationId, body);
    return { data: { ...ProjectDto.from(project), client } };
  }
}
