import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, AuthScopeOf, ClientModes, CurrentClient, RateLimit } from '../../auth';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { SuccessResponseDto } from '../dto/success.response.dto';
import { CreateProjectRequestDto } from './dto/create-project.request.dto';
import { CreatedProjectResponseDto, ProjectDto, ProjectListResponseDto, ProjectResponseDto } from './dto/project.response.dto';
import { UpdateProjectRequestDto } from './dto/update-project.request.dto';
import { ProjectsService } from './projects.service';

const ID_PARAM = { name: 'id', description: 'Project id (a slug of its name)', example: 'my-website' };

@ApiTags('Manage: projects')
@AuthScopeOf('manage')
@RateLimit('manage')
@ClientModes('root')
@Controller('manage/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listProjects',
    summary: 'List the projects of your organisation',
    description: 'Newest first; projects scheduled for deletion are not listed.',
  })
  @ApiResponse({ status: 200, type: ProjectListResponseDto })
  async list(@CurrentClient() auth: AuthContext): Promise<ProjectListResponseDto> {
    const projects = await this.projects.list(auth.client.organizationId);
    return { data: projects.map(ProjectDto.from) };
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getProject',
    summary: 'Get a project',
    description: 'A project scheduled for deletion is still shown, with its `deleteAt`, until then.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ProjectResponseDto })
  @ApiErrors([404, 'Project not found'])
  async get(@CurrentClient() auth: AuthContext, @Param('id') id: string): Promise<ProjectResponseDto> {
    return { data: ProjectDto.from(await this.projects.show(auth.client.organizationId, id)) };
  }

  @Post()
  @ApiOperation({
    operationId: 'createProject',
    summary: 'Create a project',
    description: 'Also creates a write client named "First client"; its secret is in this answer only.',
  })
  @ApiResponse({ status: 201, type: CreatedProjectResponseDto })
  @ApiErrors(400, 413)
  async create(@CurrentClient() auth: AuthContext, @Body() body: CreateProjectRequestDto): Promise<CreatedProjectResponseDto> {
    const { project, client } = await this.projects.create(auth.client.organizationId, body, auth.client.id);
    return { data: { ...ProjectDto.from(project), client } };
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateProject',
    summary: 'Update a project',
    description:
      'Changes only the fields sent; the id stays. Updating a project scheduled for deletion cancels the deletion. ' +
      'Setting or shortening `retentionDays` deletes the events older than it right after the answer; from then on, ' +
      'events are deleted within an hour of passing the limit. `retentionDays: null` keeps them forever again.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: ProjectResponseDto })
  @ApiErrors(400, [404, 'Project not found'], 413)
  async update(
    @CurrentClient() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: UpdateProjectRequestDto,
  ): Promise<ProjectResponseDto> {
    return { data: ProjectDto.from(await this.projects.update(auth.client.organizationId, id, body, auth.client.id)) };
  }

  @Delete(':id')
  @ApiOperation({
    operationId: 'deleteProject',
    summary: 'Delete a project',
    description:
      'The project leaves the lists and its clients stop working at once; its data is removed after 24 hours. ' +
      'Until then an update of the project cancels the deletion.',
  })
  @ApiParam(ID_PARAM)
  @ApiResponse({ status: 200, type: SuccessResponseDto })
  @ApiErrors([404, 'Project not found'])
  async remove(@CurrentClient() auth: AuthContext, @Param('id') id: string): Promise<SuccessResponseDto> {
    await this.projects.scheduleDeletion(auth.client.organizationId, id, auth.client.id);
    return { success: true };
  }
}
