import { Injectable } from '@nestjs/common';
import { ApiError } from '@app/common';
import { type ProjectEntity, ProjectStore } from '@app/database';
import type { AuthContext } from './auth.types';

/** Which project a read (export) request may see. */
@Injectable()
export class ProjectAccessService {
  constructor(private readonly projects: ProjectStore) {}

  /**
   * A client bound to a project reads that project only (another id: 403). An
   * organisation-wide client (root, or read without project) names a project of its
   * organisation; anything else is 404 so ids of other organisations leak nothing.
   */
  async readableProject(auth: AuthContext, requested: string | undefined): Promise<ProjectEntity> {
    const { client } = auth;
    const bound = client.mode !== 'root' ? client.projectId : null;
    if (bound && requested && requested !== bound) throw ApiError.forbidden('You do not have access to this project');
    const id = bound ?? requested;
    if (!id) throw ApiError.badRequest('projectId is required', [{ path: ['projectId'], message: 'Required' }]);
    const project = await this.projects.live(client.organizationId, id);
    if (!project) throw ApiError.notFound('Project not found');
    return project;
  }
}
