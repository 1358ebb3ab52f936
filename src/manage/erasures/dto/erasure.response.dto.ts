import { ApiProperty } from '@nestjs/swagger';
import { ERASURE_STATUSES, type ErasureCounts, type ErasureEntity, type ErasureStatus } from '@app/database';

export class ErasureCountsDto implements ErasureCounts {
  @ApiProperty({ description: "Events stored under the person's id or one of its aliases", example: 1200 })
  events: number;

  @ApiProperty({ description: 'Sessions of those ids', example: 14 })
  sessions: number;

  @ApiProperty({ description: 'Aliases of the person, and the person as an alias of another id', example: 2 })
  aliases: number;

  @ApiProperty({ description: 'Group memberships of the erased profiles (the groups themselves stay)', example: 1 })
  groupMemberships: number;

  @ApiProperty({ description: 'Profiles (the person, and profiles of its aliases)', example: 1 })
  profiles: number;
}

export class ErasureDto {
  @ApiProperty({ format: 'uuid', example: '1af09627-2dd7-4b37-9e5c-6ffa7e450e85' })
  id: string;

  @ApiProperty({ example: 'my-project' })
  projectId: string;

  @ApiProperty({ example: 'user-123' })
  profileId: string;

  @ApiProperty({ enum: ERASURE_STATUSES, example: 'done', description: '`failed` is retried (with a growing delay) until `done`' })
  status: ErasureStatus;

  @ApiProperty({ description: 'Attempts started so far', example: 1 })
  attempts: number;

  @ApiProperty({ nullable: true, type: String, description: 'Why the last attempt failed', example: null })
  lastError: string | null;

  @ApiProperty({ type: ErasureCountsDto, nullable: true, description: 'What was removed so far; null before the first attempt' })
  counts: ErasureCountsDto | null;

  @ApiProperty({ description: 'The client that asked', format: 'uuid', example: '5b7d5d41-8f4e-4f7a-9b7e-3b5a3c1d2e4f' })
  requestedBy: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2024-01-10T08:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2024-01-10T08:00:01.000Z' })
  updatedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2024-01-10T08:01:05.000Z' })
  finishedAt: string | null;

  static from(e: ErasureEntity): ErasureDto {
    return {
      id: e.id,
      projectId: e.projectId,
      profileId: e.profileId,
      status: e.status,
      attempts: e.attempts,
      lastError: e.lastError,
      counts: e.counts,
      requestedBy: e.requestedBy,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
      finishedAt: e.finishedAt ? e.finishedAt.toISOString() : null,
    };
  }
}

export class ErasureCreatedDto {
  @ApiProperty({ format: 'uuid', example: '1af09627-2dd7-4b37-9e5c-6ffa7e450e85' })
  id: string;

  @ApiProperty({ enum: ERASURE_STATUSES, example: 'pending' })
  status: ErasureStatus;
}

export class ErasureCreatedResponseDto {
  @ApiProperty({ type: ErasureCreatedDto })
  data: ErasureCreatedDto;
}

export class ErasureResponseDto {
  @ApiProperty({ type: ErasureDto })
  data: ErasureDto;
}

export class ErasureListResponseDto {
  @ApiProperty({ type: [ErasureDto] })
  data: ErasureDto[];
}
