import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@app/common';
import { EventMetaEntity } from '@app/database';
import { ProjectsService } from '../projects/projects.service';
import type { PutEventMetaRequestDto } from './dto/event-meta.request.dto';

/** What a project says about its event names; `/export/events?includes=meta` shows it. */
@Injectable()
export class EventMetaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(EventMetaEntity);
  }

  async list(organizationId: string, projectId: string): Promise<EventMetaEntity[]> {
    const project = await this.projects.get(organizationId, projectId);
    return this.repo.find({ where: { projectId: project.id }, order: { name: 'ASC' } });
  }

  /** Creates or replaces the description of one event name. */
  async put(organizationId: string, projectId: string, name: string, input: PutEventMetaRequestDto): Promise<EventMetaEntity> {
    const project = await this.projects.get(organizationId, projectId);
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({ projectId: project.id, name, description: input.description ?? null, conversion: input.conversion ?? false })
      .orUpdate(['description', 'conversion', 'updated_at'], ['project_id', 'name'])
      .execute();
    return this.repo.findOneByOrFail({ projectId: project.id, name });
  }

  async remove(organizationId: string, projectId: string, name: string): Promise<void> {
    const project = await this.projects.get(organizationId, projectId);
    const res = await this.repo.delete({ projectId: project.id, name });
    if (!res.affected) throw ApiError.notFound('Event meta not found');
  }
}
