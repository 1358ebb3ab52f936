import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientEntity } from '@app/database';
import { ClientsService } from '../../auth';
import { ProjectsService } from '../projects/projects.service';
import type { CreateClientRequestDto } from './dto/create-client.request.dto';

@Injectable()
export class ManageClientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ClientsService,
    private readonly projects: ProjectsService,
  ) {}

  async list(organizationId: string, projectId?: string): Promise<ClientEntity[]> {
    if (projectId) await this.projects.get(organizationId, projectId);
    return this.dataSource.getRepository(ClientEntity).find({
      where: { organizationId, ...(projectId ? { projectId } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  async create(organizationId: string, input: CreateClientRequestDto): Promise<{ client: ClientEntity; secret: string }> {
    if (input.projectId) await this.projects.get(organizationId, input.projectId);
    return this.clients.create({
      name: input.name,
      mode: input.mode,
      organizationId,
      projectId: input.projectId ?? null,
      public: input.public ?? false,
    });
  }
}
