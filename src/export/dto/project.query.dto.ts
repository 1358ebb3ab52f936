import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';

/** `projectId` (or `project_id`): which project to read; a read client bound to one may omit it. */
export class ProjectQueryDto {
  @ApiPropertyOptional({
    description: 'Project to read (its id, e.g. `my-website`); a read client bound to a project may omit it',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  projectId?: string;

  @ApiPropertyOptional({ name: 'project_id', description: 'Alias of projectId', maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  project_id?: string;
}

/** The project a query names, under either spelling. */
export function requestedProject(query: ProjectQueryDto): string | undefined {
  return query.projectId ?? query.project_id;
}
