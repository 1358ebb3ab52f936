import { ApiProperty } from '@nestjs/swagger';

export class ImportRejectionDto {
  @ApiProperty({
    description: "The row's position in the body, from 0 (rows that are not valid JSON count; blank NDJSON lines do not)",
    example: 3,
  })
  index: number;

  @ApiProperty({ description: 'Why the row was refused (field names only, never values)', example: 'createdAt: is required' })
  error: string;
}

export class ImportEventsResponseDto {
  @ApiProperty({ description: 'Rows stored: new ones, and rows an earlier import stored already (see `duplicates`)', example: 998 })
  accepted: number;

  @ApiProperty({
    description: 'Of `accepted`, rows whose id was stored already, or came earlier in the same body: not stored again',
    example: 0,
  })
  duplicates: number;

  @ApiProperty({
    description:
      '`session_start` and `session_end` rows (OpenPanel stores them): not imported, the sessions built from the other rows answer them',
    example: 0,
  })
  skipped: number;

  @ApiProperty({ type: [ImportRejectionDto], description: 'The first 1,000 rows refused, in body order' })
  rejected: ImportRejectionDto[];

  @ApiProperty({ description: 'How many rows were refused in all', example: 2 })
  rejectedCount: number;

  @ApiProperty({ description: 'Profiles created for the profile ids the rows name', example: 12 })
  profilesCreated: number;
}
