import { Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { type AuthContext, CurrentClient, ProjectAccessService } from '../auth';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { GroupDetailQueryDto, GroupInsightParamsDto, GroupsQueryDto } from './dto/groups-insights.query.dto';
import { GroupTypesDto, InsightGroupDetailDto, InsightGroupDto } from './dto/groups-insights.response.dto';
import { InsightProjectParamsDto } from './dto/insight-params.dto';
import { pageOf } from './dto/insight-query.dto';
import { GroupsInsightsService } from './groups-insights.service';
import { InsightsController } from './insights-access';

@InsightsController()
export class GroupsInsightsController {
  constructor(
    private readonly access: ProjectAccessService,
    private readonly groups: GroupsInsightsService,
  ) {}

  @Get('groups/types')
  @ApiOperation({
    operationId: 'insightsGroupTypes',
    summary: 'Group types',
    description: 'The distinct types of the groups `group` created in the project, in alphabetical order.',
  })
  @ApiResponse({ status: 200, type: GroupTypesDto })
  @ApiErrors(400, [404, 'Project not found'])
  async types(@CurrentClient() auth: AuthContext, @Param() params: InsightProjectParamsDto): Promise<GroupTypesDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.groups.types(project.id);
  }

  @Get('groups')
  @ApiOperation({
    operationId: 'insightsGroups',
    summary: 'Groups',
    description:
      'Groups of the project, newest first (ties by id), 20 per page; `type` and `search` must both hold when given. Unlike ' +
      'OpenPanel: `%` and `_` in `search` match themselves, `cursor` pages, and `updatedAt` is an ISO time (OpenPanel gives its ' +
      'version).',
  })
  @ApiResponse({ status: 200, type: [InsightGroupDto] })
  @ApiErrors(400, [404, 'Project not found'])
  async list(
    @CurrentClient() auth: AuthContext,
    @Param() params: InsightProjectParamsDto,
    @Query() q: GroupsQueryDto,
  ): Promise<InsightGroupDto[]> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.groups.list(project.id, q, pageOf(q, 20));
  }

  @Get('groups/:groupId')
  @ApiOperation({
    operationId: 'insightsGroup',
    summary: 'A group and its members',
    description:
      'The group, how many profiles belong to it (`assign_group`) and its `memberLimit` newest members (by first seen, ties by ' +
      "id), camelCase as upstream. An unknown group is a 404 in this API's error shape (OpenPanel answers 500).",
  })
  @ApiResponse({ status: 200, type: InsightGroupDetailDto })
  @ApiErrors(400, [404, 'Project or group not found'])
  async detail(
    @CurrentClient() auth: AuthContext,
    @Param() params: GroupInsightParamsDto,
    @Query() q: GroupDetailQueryDto,
  ): Promise<InsightGroupDetailDto> {
    const project = await this.access.readableProject(auth, params.projectId);
    return this.groups.detail(project.id, params.groupId, q.memberLimit ?? 10);
  }
}
