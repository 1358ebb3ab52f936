import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@app/common';
import { type AuditAction, AuditStore, EventMetaEntity, changedFields } from '@app/database';
import { ProjectsService } from '../projects/projects.service';
import type { PutEventMetaRequestDto } from './dto/event-meta.request.dto';

/** What a project says about its event names; `/export/events?includes=meta` shows it. */
@Injectable()
export class EventMetaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditStore,
    private readonly projects: ProjectsService,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(EventMetaEntity);
  }

  async list(organizationId: string, projectId: string): Promise<EventMetaEntity[]> {
    const project = await this.projects.get(organizationId, projectId);
    return this.repo.find({ where: { projectId: project.id }, order: { name: 'ASC' } });
  }

  /**
   * Creates or replaces the description of one event name: audited as `event_meta.create`
   * when the name had none, else `event_meta.update` with the fields whose value changed.
   * `actorId` (here and below): the client asking, named by the audit row.
   */
  async put(
    organizationId: string,
    projectId: string,
    name: string,
    input: PutEventMetaRequestDto,
    actorId: string,
  ): Promise<EventMetaEntity> {
    const project = await this.projects.get(organizationId, projectId);
    const values = { description: input.description ?? null, conversion: input.conversion ?? false };
    await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(EventMetaEntity);
      const before = await repo.findOne({ where: { projectId: project.id, name }, lock: { mode: 'pessimistic_write' } });
      await repo
        .createQueryBuilder()
        .insert()
        .values({ projectId: project.id, name, ...values })
        .orUpdate(['description', 'conversion', 'updated_at'], ['project_id', 'name'])
        .execute();
      const set = (Object.keys(values) as (keyof typeof values)[]).filter((k) => input[k] !== undefined);
      const audit = before ? (['event_meta.update', changedFields(before, values)] as const) : (['event_meta.create', set] as const);
      await this.recordChange(organizationId, project.id, name, audit[0], [...audit[1]], actorId, m);
    });
    return this.repo.findOneByOrFail({ projectId: project.id, name });
  }

  async remove(organizationId: string, projectId: string, name: string, actorId: string): Promise<void> {
    const project = await this.projects.get(organizationId, projectId);
    await this.dataSource.transaction(async (m) => {
      const res = await m.getRepository(EventMetaEntity).delete({ projectId: project.id, name });
      if (!res.affected) throw ApiError.notFound('Event meta not found');
      await this.recordChange(organizationId, project.id, name, 'event_meta.delete', [], actorId, m);
    });
  }

  private recordChange(
    organizationId: string,
    projectId: string,
    name: string,
    action: AuditAction,
    changes: string[],
    actorId: string,
    m: EntityManager,
  ): Promise<void> {
    return this.audit.record(
      { organizationId, clientId: actorId, action, targetType: 'event_meta', targetId: name, projectId, changes },
      m,
    );
  }
}
