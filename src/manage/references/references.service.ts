import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@app/common';
import { ReferenceEntity } from '@app/database';
import { ProjectsService } from '../projects/projects.service';
import type { CreateReferenceRequestDto } from './dto/create-reference.request.dto';
import type { UpdateReferenceRequestDto } from './dto/update-reference.request.dto';
import { parseReferenceDate } from './reference-date';

/** References of live projects of one organisation: anything else is 404, whoever owns it. */
@Injectable()
export class ReferencesService {
  constructor(
    private readonly dataSource: DataSource,
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

  async create(organizationId: string, input: CreateReferenceRequestDto): Promise<ReferenceEntity> {
    const project = await this.projects.get(organizationId, input.projectId);
    const repo = this.dataSource.getRepository(ReferenceEntity);
    const saved = await repo.save(
      repo.create({
        projectId: project.id,
        title: input.title,
        description: input.description ?? null,
        date: parseReferenceDate(input.datetime)!,
      }),
    );
    return repo.findOneByOrFail({ id: saved.id });
  }

  async update(organizationId: string, id: string, input: UpdateReferenceRequestDto): Promise<ReferenceEntity> {
    const reference = await this.get(organizationId, id);
    const changes: Partial<ReferenceEntity> = {};
    if (input.title !== undefined) changes.title = input.title;
    if (input.description !== undefined) changes.description = input.description;
    if (input.datetime !== undefined) changes.date = parseReferenceDate(input.datetime)!;
    if (Object.keys(changes).length === 0) return reference;
    await this.dataSource.getRepository(ReferenceEntity).update({ id: reference.id }, changes);
    return this.get(organizationId, id);
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const reference = await this.get(organizationId, id);
    await this.dataSource.getRepository(ReferenceEntity).delete({ id: reference.id });
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
