import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ProjectEntity } from '@app/database';
import { PROJECT_TYPES } from './create-project.request.dto';

export class ProjectDto {
  @ApiProperty({ example: 'my-website' })
  id: string;

  @ApiProperty({ example: 'My website' })
  name: string;

  @ApiProperty({ example: 'default' })
  organizationId: string;

  @ApiProperty({ nullable: true, type: String, example: 'https://example.com' })
  domain: string | null;

  @ApiProperty({ type: [String] })
  cors: string[];

  @ApiProperty()
  crossDomain: boolean;

  @ApiProperty({ enum: PROJECT_TYPES, isArray: true })
  types: string[];

  @ApiProperty({ nullable: true, type: String, example: 'UTC' })
  timezone: string | null;

  @ApiProperty({ nullable: true, type: 'integer', example: 395, description: 'Days events are kept; null = forever' })
  retentionDays: number | null;

  @ApiProperty({ description: 'Events the project holds, counted when the project is shown' })
  eventsCount: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Set when the project is scheduled for deletion' })
  deleteAt?: string | null;

  static from(p: ProjectEntity): ProjectDto {
    return {
      id: p.id,
      name: p.name,
      organizationId: p.organizationId,
      domain: p.domain,
      cors: p.cors,
      crossDomain: p.crossDomain,
      types: p.types,
      timezone: p.timezone,
      retentionDays: p.retentionDays,
      eventsCount: p.eventsCount ?? 0,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      deleteAt: p.deleteAt ? p.deleteAt.toISOString() : null,
    };
  }
}

export class ProjectResponseDto {
  @ApiProperty({ type: ProjectDto })
  data: ProjectDto;
}

export class ProjectListResponseDto {
  @ApiProperty({ type: [ProjectDto] })
  data: ProjectDto[];
}

export class FirstClientDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'sec_0123456789abcdef', description: 'Shown once; store it now' })
  secret: string;
}

export class CreatedProjectDto extends ProjectDto {
  @ApiProperty({ type: FirstClientDto, description: 'The write client created with the project' })
  client: FirstClientDto;
}

export class CreatedProjectResponseDto {
  @ApiProperty({ type: CreatedProjectDto })
  data: CreatedProjectDto;
}
