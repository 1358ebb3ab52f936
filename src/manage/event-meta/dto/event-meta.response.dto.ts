import { ApiProperty } from '@nestjs/swagger';
import type { EventMetaEntity } from '@app/database';

export class EventMetaDto {
  @ApiProperty({ example: 'my-website' })
  projectId: string;

  @ApiProperty({ description: 'Event name', example: 'sign_up' })
  name: string;

  @ApiProperty({ nullable: true, type: String, example: 'A visitor created an account' })
  description: string | null;

  @ApiProperty({ description: 'Counts as a conversion (a goal)' })
  conversion: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  static from(m: EventMetaEntity): EventMetaDto {
    return {
      projectId: m.projectId,
      name: m.name,
      description: m.description,
      conversion: m.conversion,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  }
}

export class EventMetaResponseDto {
  @ApiProperty({ type: EventMetaDto })
  data: EventMetaDto;
}

export class EventMetaListResponseDto {
  @ApiProperty({ type: [EventMetaDto] })
  data: EventMetaDto[];
}
