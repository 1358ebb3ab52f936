import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, LessThanOrEqual, MoreThan, Not } from 'typeorm';
import { OrganizationEntity, ProjectEntity } from './entities';

/** The organisation the root client and the CLI's organisation-wide clients belong to. */
export const DEFAULT_ORGANIZATION_ID = 'default';

/** Fields a new project is created with; the rest take their column defaults. */
export type NewProject = Pick<ProjectEntity, 'id' | 'organizationId' | 'name' | 'domain' | 'cors' | 'crossDomain' | 'types' | 'timezone'> &
  Partial<Pick<ProjectEntity, 'retentionDays'>>;

/** Fields of a project an administrator may change (and the deletion mark). */
export type ProjectChanges = Partial<
  Pick<ProjectEntity, 'name' | 'domain' | 'cors' | 'crossDomain' | 'types' | 'timezone' | 'retentionDays' | 'deleteAt'>
>;

/** What authentication needs of a client's project: its browser origins, and whether it is live. */
export interface ProjectAuthView {
  cors: string[];
  deleteAt: Date | null;
}

/**
 * The one reader and writer of the `projects` table (and the default organisation): manage,
 * auth, ingestion, the purge and the CLI ask it, so what "live" means is written once.
 * A project is live while `delete_at` is unset; scheduled for deletion it is hidden from
 * everyone but its administrators, who may restore it until `delete_at` passes.
 */
@Injectable()
export class ProjectStore {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ProjectEntity);
  }

  /** The repository of the caller's transaction when it passes one. */
  private repoIn(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ProjectEntity);
  }

  /** A live project of the organisation, or null (another organisation's, or being deleted). */
  live(organizationId: string, id: string): Promise<ProjectEntity | null> {
    return this.repo.findOneBy({ id, organizationId, deleteAt: IsNull() });
  }

  /** The organisation's live projects, newest first. */
  listLive(organizationId: string): Promise<ProjectEntity[]> {
    return this.repo.find({ where: { organizationId, deleteAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** A live project, or one scheduled for deletion that can still be restored. */
  restorable(organizationId: string, id: string, now = new Date()): Promise<ProjectEntity | null> {
    return this.repo.findOneBy([
      { id, organizationId, deleteAt: IsNull() },
      { id, organizationId, deleteAt: MoreThan(now) },
    ]);
  }

  /** A project in any state, by id alone (the CLI, which acts for the operator). */
  byId(id: string): Promise<ProjectEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** Fails when the project is gone (it was just written). */
  get(id: string, manager?: EntityManager): Promise<ProjectEntity> {
    return this.repoIn(manager).findOneByOrFail({ id });
  }

  /** Inserts the project unless its id is taken; whether it was inserted. */
  async insertIfFree(project: NewProject, manager?: EntityManager): Promise<boolean> {
    const inserted = await this.repoIn(manager).createQueryBuilder().insert().values(project).orIgnore().returning('id').execute();
    return (inserted.raw as unknown[]).length > 0;
  }

  async update(id: string, changes: ProjectChanges, manager?: EntityManager): Promise<void> {
    await this.repoIn(manager).update({ id }, changes);
  }

  /** Marks a live project for deletion at `at`; a project already marked keeps its first deadline. Whether it marked it. */
  async markForDeletion(id: string, at: Date, manager?: EntityManager): Promise<boolean> {
    const res = await this.repoIn(manager).update({ id, deleteAt: IsNull() }, { deleteAt: at });
    return (res.affected ?? 0) > 0;
  }

  /** Ids of projects whose deletion time has come. */
  async dueForPurge(now: Date): Promise<string[]> {
    const due = await this.repo.find({ select: { id: true }, where: { deleteAt: LessThanOrEqual(now) } });
    return due.map((p) => p.id);
  }

  /** Projects that keep their events a limited time (any state: one being deleted still ages). */
  async withRetention(): Promise<{ id: string; retentionDays: number }[]> {
    const rows = await this.repo.find({
      select: { id: true, retentionDays: true },
      where: { retentionDays: Not(IsNull()) },
      order: { id: 'ASC' },
    });
    return rows.map((p) => ({ id: p.id, retentionDays: p.retentionDays! }));
  }

  /** Deletes the project's row if it is still due (not restored meanwhile); whether it did. */
  async deleteIfDue(id: string, now: Date): Promise<boolean> {
    const res = await this.repo.delete({ id, deleteAt: LessThanOrEqual(now) });
    return (res.affected ?? 0) > 0;
  }

  /** What the authentication of a client of `id` reads; null when the project does not exist. */
  async authView(id: string): Promise<ProjectAuthView | null> {
    const project = await this.repo.findOne({ select: { cors: true, deleteAt: true }, where: { id } });
    return project && { cors: project.cors, deleteAt: project.deleteAt };
  }

  /** Settings ingestion applies to each event of the project (defaults for an unknown id). */
  async ingestSettings(id: string): Promise<{ allowUnsafeRevenue: boolean }> {
    const project = await this.repo.findOne({ select: { allowUnsafeRevenue: true }, where: { id } });
    return { allowUnsafeRevenue: project?.allowUnsafeRevenue ?? false };
  }

  /** Creates the default organisation unless it exists. */
  async ensureDefaultOrganization(): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(OrganizationEntity)
      .values({ id: DEFAULT_ORGANIZATION_ID, name: 'Default organization' })
      .orIgnore()
      .execute();
  }

  /** Creates an organisation (`npm run cli -- create-organization`); its id is generated. */
  async createOrganization(name: string, manager?: EntityManager): Promise<OrganizationEntity> {
    const repo = (manager ?? this.dataSource.manager).getRepository(OrganizationEntity);
    return repo.save(repo.create({ id: randomUUID(), name }));
  }
}
