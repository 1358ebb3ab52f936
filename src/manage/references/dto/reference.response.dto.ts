import { ApiProperty } from '@nestjs/swagger';
import type { ReferenceEntity } from '@app/database';

export class ReferenceDto {
  @ApiProperty({ format: 'uuid', example: '1af09627-2dd7-4b37-9e5c-6ffa7e450e85' })
  id: string;

  @ApiProperty({ example: 'Product Launch' })
  title: string;

  @ApiProperty({ nullable: true, type: String, example: 'Version 2.0 released' })
  description: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2024-01-15T10:00:00.000Z', description: 'The `datetime` sent, in UTC' })
  date: string;

  @ApiProperty({ example: 'my-project' })
  projectId: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2024-01-10T08:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2024-01-10T08:00:00.000Z' })
  updatedAt: string;

  static from(r: ReferenceEntity): ReferenceDto {
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      date: r.date.toISOString(),
      projectId: r.projectId,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

export class ReferenceResponseDto {
  @ApiProperty({ type: ReferenceDto })
  data: ReferenceDto;
}

export class ReferenceListResponseDto {
  @ApiProperty({ type: [ReferenceDto] })
  data: ReferenceDto[];
}
