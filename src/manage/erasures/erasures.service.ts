import { Injectable } from '@nestjs/common';
import { ApiError } from '@app/common';
import { DataSource } from 'typeorm';
import { AuditStore, type ErasureEntity, ErasureStore, ProjectStore } from '@app/database';
import type { CreateErasureRequestDto } from './dto/create-erasure.request.dto';
import { ErasureRunner } from './erasure-runner.service';

/** Erasure requests of one organisation's live projects: anything else is 404, whoever owns it. */
@Injectable()
export class ErasuresService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditStore,
    private readonly store: ErasureStore,
    private readonly projects: ProjectStore,
    private readonly runner: ErasureRunner,
  ) {}

  /**
   * Records a request to erase a person (`erasure.request`) and wakes the runner; the work is
   * done in the background (ErasureRunner), so this answers at once with the pending job.
   */
  async request(organizationId: string, clientId: string, input: CreateErasureRequestDto): Promise<ErasureEntity> {
    await this.project(organizationId, input.projectId);
    const job = await this.dataSource.transaction(async (m) => {
      const created = await this.store.create(
        { organizationId, projectId: input.projectId, profileId: input.profileId, requestedBy: clientId },
        m,
      );
      // The audit row names the job, not the person: the log holds no personal data.
      await this.audit.record(
        {
          organizationId,
          clientId,
          action: 'erasure.request',
          targetType: 'erasure',
          targetId: created.id,
          projectId: input.projectId,
          changes: ['profileId'],
        },
        m,
      );
      return created;
    });
    this.runner.kick();
    return job;
  }

  async get(organizationId: string, id: string): Promise<ErasureEntity> {
    const job = await this.store.get(organizationId, id);
    if (!job) throw ApiError.notFound('Erasure not found');
    return job;
  }

  async list(organizationId: string, projectId: string): Promise<ErasureEntity[]> {
    await this.project(organizationId, projectId);
    return this.store.list(organizationId, projectId);
  }

  private async project(organizationId: string, projectId: string): Promise<void> {
    if (!(await this.projects.live(organizationId, projectId))) throw ApiError.notFound('Project not found');
  }
}
