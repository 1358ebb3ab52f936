import { Injectable } from '@nestjs/common';
import { ApiError } from '@app/common';
import { DataSource } from 'typeorm';
import { AuditStore, changedFields, type NewProject, type ProjectChanges, type ProjectEntity, ProjectStore } from '@app/database';
import { ClientsService } from '../../auth';
import type { CreateProjectRequestDto } from './dto/create-project.request.dto';
import type { UpdateProjectRequestDto } from './dto/update-project.request.dto';
import { ProjectEventCountsService } from './project-event-counts.service';
import { ProjectRetentionService } from './project-retention.service';
import { cleanCors, slugify, suffixed } from './project-slug';

const SLUG_ATTEMPTS = 20;

/** How long a deleted project can still be restored by an update. */
export const PROJECT_DELETION_GRACE_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class ProjectsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditStore,
    private readonly projects: ProjectStore,
    private readonly clients: ClientsService,
    private readonly eventCounts: ProjectEventCountsService,
    private readonly retention: ProjectRetentionService,
  ) {}

  /** The organisation's live projects, newest first, each with its `eventsCount`. */
  async list(organizationId: string): Promise<ProjectEntity[]> {
    return this.withCounts(await this.projects.listLive(organizationId));
  }

  /** A project as `getManaged` finds it, with its `eventsCount`. */
  async show(organizationId: string, id: string): Promise<ProjectEntity> {
    const [project] = await this.withCounts([await this.getManaged(organizationId, id)]);
    return project;
  }

  /** A live project of the organisation; anything else (another organisation's, scheduled for deletion) is 404. */
  async get(organizationId: string, id: string): Promise<ProjectEntity> {
    const project = await this.projects.live(organizationId, id);
    if (!project) throw ApiError.notFound('Project not found');
    return project;
  }

  /**
   * A project as its administrators see it: live, or scheduled for deletion and still
   * restorable (the answer then shows `deleteAt`). Past its deletion time it is gone.
   */
  async getManaged(organizationId: string, id: string): Promise<ProjectEntity> {
    const project = await this.projects.restorable(organizationId, id);
    if (!project) throw ApiError.notFound('Project not found');
    return project;
  }

  /**
   * Creates the project and its first write client, with their audit rows, in one
   * transaction; the client's secret is returned once. `actorId` is the client asking.
   */
  async create(
    organizationId: string,
    input: CreateProjectRequestDto,
    actorId: string,
  ): Promise<{ project: ProjectEntity; client: { id: string; secret: string } }> {
    const base = slugify(input.name);
    const fields: Omit<NewProject, 'id' | 'organizationId'> = {
      name: input.name,
      domain: input.domain || null,
      cors: cleanCors(input.cors ?? undefined),
      crossDomain: input.crossDomain ?? false,
      types: input.types ?? [],
      timezone: input.timezone ?? null,
      retentionDays: input.retentionDays ?? null,
    };
    const set = (Object.keys(fields) as (keyof typeof fields)[]).filter((k) => input[k] !== undefined);
    // Hashed before any transaction: none waits for scrypt.
    const credentials = await this.clients.withCredentials({});
    for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
      const id = attempt === 0 ? base : suffixed(base);
      const created = await this.dataSource.transaction(async (m) => {
        if (!(await this.projects.insertIfFree({ id, organizationId, ...fields }, m))) return null;
        const audit = { organizationId, clientId: actorId, projectId: id };
        await this.audit.record({ ...audit, action: 'project.create', targetType: 'project', targetId: id, changes: set }, m);
        const { client, secret } = await this.clients.createAudited(
          { name: 'First client', mode: 'write', organizationId, projectId: id, ...credentials },
          actorId,
          m,
        );
        return { project: await this.projects.get(id, m), client: { id: client.id, secret } };
      });
      if (!created) continue;
      created.project.eventsCount = 0;
      // An import can fill a new project with old events: the hourly pass would find them too.
      if (created.project.retentionDays !== null) this.retention.applySoon(id);
      return created;
    }
    throw new ApiError('conflict', `Could not find a free id for project "${input.name}"`);
  }

  /** Changes the given fields; any update of a project scheduled for deletion cancels the deletion. */
  async update(organizationId: string, id: string, input: UpdateProjectRequestDto, actorId: string): Promise<ProjectEntity> {
    const project = await this.getManaged(organizationId, id);
    const changes: ProjectChanges = { deleteAt: null };
    if (input.name !== undefined) changes.name = input.name;
    if (input.domain !== undefined) changes.domain = input.domain || null;
    if (input.cors !== undefined) changes.cors = cleanCors(input.cors ?? undefined);
    if (input.crossDomain !== undefined) changes.crossDomain = input.crossDomain ?? false;
    if (input.types !== undefined) changes.types = input.types ?? [];
    if (input.timezone !== undefined) changes.timezone = input.timezone;
    if (input.retentionDays !== undefined) changes.retentionDays = input.retentionDays;
    await this.dataSource.transaction(async (m) => {
      await this.projects.update(project.id, changes, m);
      await this.audit.record(
        {
          organizationId,
          clientId: actorId,
          action: 'project.update',
          targetType: 'project',
          targetId: project.id,
          projectId: project.id,
          changes: changedFields(project, changes),
        },
        m,
      );
    });
    const shortened = changes.retentionDays != null && (project.retentionDays === null || changes.retentionDays < project.retentionDays);
    if (shortened) this.retention.applySoon(project.id);
    // The auth cache holds each client's project CORS list and whether the project is live.
    await this.clients.forgetClientsOf(project.id);
    const [updated] = await this.withCounts([await this.projects.get(project.id)]);
    return updated;
  }

  private async withCounts(projects: ProjectEntity[]): Promise<ProjectEntity[]> {
    const counts = await this.eventCounts.counts(projects.map((p) => p.id));
    for (const p of projects) p.eventsCount = counts.get(p.id) ?? 0;
    return projects;
  }

  /**
   * Soft delete: hidden from lists and its clients refused at once, restorable by an update
   * for 24 hours, then purged (ProjectPurgeService). Deleting again keeps the first deadline.
   */
  async scheduleDeletion(organizationId: string, id: string, actorId: string): Promise<void> {
    const project = await this.getManaged(organizationId, id);
    await this.dataSource.transaction(async (m) => {
      const marked = await this.projects.markForDeletion(project.id, new Date(Date.now() + PROJECT_DELETION_GRACE_MS), m);
      await this.audit.record(
        {
          organizationId,
          clientId: actorId,
          action: 'project.delete',
          targetType: 'project',
          targetId: project.id,
          projectId: project.id,
          changes: marked ? ['deleteAt'] : [],
        },
        m,
      );
    });
    await this.clients.forgetClientsOf(project.id);
  }
}
