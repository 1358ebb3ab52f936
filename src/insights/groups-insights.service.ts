import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type ListPage } from '@app/analytics';
import { ApiError, isPgText, toPgText } from '@app/common';
import { GroupEntity, ProfileEntity } from '@app/database';
import { EngineQueryService } from '../export/engine-query.service';
import type { GroupsQueryDto } from './dto/groups-insights.query.dto';
import type { InsightGroupDetailDto, InsightGroupDto, InsightGroupMemberDto } from './dto/groups-insights.response.dto';
import { likeLiteral, profilesLastSeen } from './profiles-insights.service';

function groupDto(g: GroupEntity): InsightGroupDto {
  return {
    id: g.id,
    projectId: g.projectId,
    type: g.type,
    name: g.name,
    properties: g.properties,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
  };
}

/**
 * Groups of the insights API, read from PostgreSQL where `group` and `assign_group` keep them
 * (OpenPanel reads its ClickHouse copy); every value bound. A group's members are the profiles
 * whose `groups` hold its id; their last seen time comes from the events.
 */
@Injectable()
export class GroupsInsightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: EngineQueryService,
  ) {}

  async types(projectId: string): Promise<{ types: string[] }> {
    const rows = await this.dataSource
      .getRepository(GroupEntity)
      .createQueryBuilder('g')
      .select('DISTINCT g.type', 'type')
      .where('g.project_id = :projectId', { projectId })
      .orderBy('type', 'ASC')
      .getRawMany<{ type: string }>();
    return { types: rows.map((r) => r.type) };
  }

  async list(projectId: string, q: GroupsQueryDto, page: ListPage): Promise<InsightGroupDto[]> {
    const qb = this.dataSource.getRepository(GroupEntity).createQueryBuilder('g').where('g.project_id = :projectId', { projectId });
    if (q.type !== undefined) qb.andWhere('g.type = :type', { type: toPgText(q.type) });
    if (q.search !== undefined)
      qb.andWhere(`(g.name ILIKE :search ESCAPE '\\' OR g.id ILIKE :search ESCAPE '\\')`, { search: likeLiteral(q.search) });
    const groups = await qb.orderBy('g.created_at', 'DESC').addOrderBy('g.id', 'DESC').offset(page.offset).limit(page.limit).getMany();
    return groups.map(groupDto);
  }

  async detail(projectId: string, groupId: string, memberLimit: number): Promise<InsightGroupDetailDto> {
    const group = isPgText(groupId)
      ? await this.dataSource.getRepository(GroupEntity).findOne({ where: { projectId, id: groupId } })
      : null;
    if (!group) throw ApiError.notFound('Group not found');
    const members = this.dataSource
      .getRepository(ProfileEntity)
      .createQueryBuilder('p')
      .where('p.project_id = :projectId', { projectId })
      .andWhere(':groupId = ANY(p.groups)', { groupId });
    const [count, profiles] = await Promise.all([
      members.clone().getCount(),
      members.clone().orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'DESC').limit(memberLimit).getMany(),
    ]);
    return { group: groupDto(group), member_count: count, members: await this.members(projectId, profiles) };
  }

  private async members(projectId: string, profiles: ProfileEntity[]): Promise<InsightGroupMemberDto[]> {
    const lastSeen = await profilesLastSeen(
      this.engine,
      projectId,
      profiles.map((p) => p.id),
    );
    return profiles.map((p) => ({
      id: p.id,
      email: p.email,
      avatar: p.avatar,
      firstName: p.firstName,
      lastName: p.lastName,
      createdAt: p.createdAt.toISOString(),
      lastSeenAt: lastSeen.get(p.id) ?? p.updatedAt.toISOString(),
      isExternal: p.isExternal,
      projectId: p.projectId,
      groups: p.groups,
      properties: p.properties,
    }));
  }
}
