import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { ApiError } from '@app/common';
import { ProjectEntity } from '@app/database';
import { ClientsService } from '../../auth';
import type { CreateProjectRequestDto } from './dto/create-project.request.dto';
import { cleanCors, slugify, suffixed } from './project-slug';

const SLUG_ATTEMPTS = 20;

@Injectable()
export class ProjectsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ClientsService,
  ) {}

  list(organizationId: string): Promise<ProjectEntity[]> {
    return this.dataSource.getRepository(ProjectEntity).find({
      where: { organizationId, deleteAt: IsNull() },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  async get(organizationId: string, id: string): Promise<ProjectEntity> {
    const project = await this.dataSource.getRepository(ProjectEntity).findOneBy({ id, organizationId, deleteAt: IsNull() });
    if (!project) throw ApiError.notFound('Project not found');
    return project;
  }

  /** Creates the project and its first write client; the client's secret is returned once. */
  async create(organizationId: string, input: CreateProjectRequestDto): Promise<{ project: ProjectEntity; client: { id: string; secret: string } }> {
    const repo = this.dataSource.getRepository(ProjectEntity);
    const base = slugify(input.name);
    for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
      const id = attempt === 0 ? base : suffixed(base);
      const inserted = await repo
        .createQueryBuilder()
        .insert()
        .values({
          id,
          organizationId,
          name: input.name,
          domain: input.domain || null,
          cors: cleanCors(input.cors),
          crossDomain: input.crossDomain ?? false,
          types: input.types ?? [],
          timezone: input.timezone ?? null,
        })
        .orIgnore()
        .returning('id')
        .execute();
      if (inserted.raw.length === 0) continue;
      const { client, secret } = await this.clients.create({ name: 'First client', mode: 'write', organizationId, projectId: id });
      return { project: await repo.findOneByOrFail({ id }), client: { id: client.id, secret } };
    }
    throw new ApiError('conflict', `Could not find a free id for project "${input.name}"`);
  }
}
