import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@app/common';
import { type AuditAction, AuditStore, ReferenceEntity, changedFields } from '@app/database';
import { ProjectsService } from '../projects/projects.service';
import type { CreateReferenceRequestDto } from './dto/create-reference.request.dto';
import type { UpdateReferenceRequestDto } from './dto/update-reference.request.dto';
import { parseReferenceDate } from './reference-date';

/** References of live projects of one organisation: anything else is 404, whoever owns it. */
@Injectable()
export class ReferencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditStore,
    private readonly projects: ProjectsService,
  ) {}

  /** Latest first (by `date`), all the organisation's when no project is named. */
  async list(organizationId: string, projectId?: string): Promise<ReferenceEntity[]> {
    if (projectId) await this.projects.get(organizationId, projectId);
    const query = this.visible(organizationId).orderBy('r.date', 'DESC').addOrderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'ASC');
    if (projectId) query.andWhere('r.projectId = :projectId', { projectId });
    return query.getMany();
  }

  async get(organizationId: string, id: string): Promise<ReferenceEntity> {
    const reference = await this.visible(organizationId).andWhere('r.id = :id', { id }).getOne();
    if (!reference) throw ApiError.notFound('Reference not found');
    return reference;
  }

  /** `actorId` (here and below): the client asking, named by the audit row. */
  async create(organizationId: string, input: CreateReferenceRequestDto, actorId: string): Promise<ReferenceEntity> {
    const project = await this.projects.get(organizationId, input.projectId);
    const id = await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(ReferenceEntity);
      const saved = await repo.save(
        repo.create({
          projectId: project.id,
          title: input.title,
          description: input.description ?? null,
          date: parseReferenceDate(input.datetime)!,
        }),
      );
      const set = ['title', ...(saved.description !== null ? ['description'] : []), 'date'];
      await this.recordChange(organizationId, saved, 'reference.create', set, actorId, m);
      return saved.id;
    });
    return this.dataSource.getRepository(ReferenceEntity).findOneByOrFail({ id });
  }

  async update(organizationId: string, id: string, input: UpdateReferenceRequestDto, actorId: string): Promise<ReferenceEntity> {
    const reference = await this.get(organizationId, id);
    const changes: Partial<ReferenceEntity> = {};
    if (input.title !== undefined) changes.title = input.title;
    if (input.description !== undefined) changes.description = input.description;
    if (input.datetime !== undefined) changes.date = parseReferenceDate(input.datetime)!;
    if (Object.keys(changes).length === 0) return reference;
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ReferenceEntity).update({ id: reference.id }, changes);
      await this.recordChange(organizationId, reference, 'reference.update', changedFields(reference, changes), actorId, m);
    });
    return this.get(organizationId, id);
  }

  async remove(organizationId: string, id: string, actorId: string): Promise<void> {
    const reference = await this.get(organizationId, id);
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ReferenceEntity).delete({ id: reference.id });
      await this.recordChange(organizationId, reference, 'reference.delete', [], actorId, m);
    });
  }

  private recordChange(
    organizationId: string,
    reference: ReferenceEntity,
    action: AuditAction,
    changes: string[],
    actorId: string,
    m: EntityManager,
  ): Promise<void> {
    const target = { targetType: 'reference', targetId: reference.id, projectId: reference.projectId } as const;
    return this.audit.record({ organizationId, clientId: actorId, action, ...target, changes }, m);
  }

  private visible(organizationId: string) {
    return this.dataSource
      .getRepository(ReferenceEntity)
      .createQueryBuilder('r')
      .innerJoin('r.project', 'p')
      .where('p.organizationId = :organizationId', { organizationId })
      .andWhere('p.deleteAt IS NULL');
  }
}
