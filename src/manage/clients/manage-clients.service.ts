import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@app/common';
import { type AuditAction, AuditStore, ClientEntity, changedFields } from '@app/database';
import { ClientsService } from '../../auth';
import { ProjectsService } from '../projects/projects.service';
import type { CreateClientRequestDto } from './dto/create-client.request.dto';

@Injectable()
export class ManageClientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditStore,
    private readonly clients: ClientsService,
    private readonly projects: ProjectsService,
  ) {}

  /** The organisation's clients, newest first; those of a project scheduled for deletion are hidden with it. */
  async list(organizationId: string, projectId?: string): Promise<ClientEntity[]> {
    if (projectId) await this.projects.get(organizationId, projectId);
    const query = this.visible(organizationId).orderBy('c.createdAt', 'DESC').addOrderBy('c.id', 'ASC');
    if (projectId) query.andWhere('c.projectId = :projectId', { projectId });
    return query.getMany();
  }

  async get(organizationId: string, id: string): Promise<ClientEntity> {
    const client = await this.visible(organizationId).andWhere('c.id = :id', { id }).getOne();
    if (!client) throw ApiError.notFound('Client not found');
    return client;
  }

  /** `actorId`: the client asking, named by the audit row. */
  async create(organizationId: string, input: CreateClientRequestDto, actorId: string): Promise<{ client: ClientEntity; secret: string }> {
    if (input.projectId) await this.projects.get(organizationId, input.projectId);
    return this.clients.createAudited(
      {
        name: input.name,
        mode: input.mode ?? input.type ?? 'write',
        organizationId,
        projectId: input.projectId ?? null,
        public: input.public ?? false,
      },
      actorId,
    );
  }

  async rename(organizationId: string, id: string, name: string, actorId: string): Promise<ClientEntity> {
    const client = await this.get(organizationId, id);
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ClientEntity).update({ id: client.id }, { name });
      await this.recordChange(client, 'client.update', changedFields(client, { name }), actorId, m);
    });
    this.clients.invalidate(client.id);
    return this.get(organizationId, id);
  }

  /** Hard delete, effective at once: the auth cache forgets the client in the same call. */
  async remove(organizationId: string, id: string, callerId: string): Promise<void> {
    const client = await this.get(organizationId, id);
    if (client.id === callerId) {
      throw new ApiError('conflict', 'A client cannot delete itself: use another root client, so that the organisation keeps one');
    }
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ClientEntity).delete({ id: client.id });
      await this.recordChange(client, 'client.delete', [], callerId, m);
    });
    this.clients.invalidate(client.id);
  }

  private recordChange(client: ClientEntity, action: AuditAction, changes: string[], actorId: string, m: EntityManager): Promise<void> {
    const { organizationId, projectId } = client;
    return this.audit.record(
      { organizationId, clientId: actorId, action, targetType: 'client', targetId: client.id, projectId, changes },
      m,
    );
  }

  private visible(organizationId: string) {
    return this.dataSource
      .getRepository(ClientEntity)
      .createQueryBuilder('c')
      .leftJoin('c.project', 'p')
      .where('c.organizationId = :organizationId', { organizationId })
      .andWhere('(c.projectId IS NULL OR p.deleteAt IS NULL)');
  }
}
