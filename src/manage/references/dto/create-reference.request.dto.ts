import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { EXPECTED_STRING, INVALID_DATETIME, TOO_LONG, TOO_SHORT } from '../../dto/messages';
import { parseReferenceDate } from '../reference-date';

function IsReferenceDate(): PropertyDecorator {
  return ValidateBy(
    { name: 'isReferenceDate', validator: { validate: (v) => typeof v === 'string' && parseReferenceDate(v) !== undefined } },
    INVALID_DATETIME,
  );
}

export class CreateReferenceRequestDto {
  @ApiProperty({ description: 'The project this reference belongs to', example: 'my-project' })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(128, TOO_LONG)
  projectId: string;

  @ApiProperty({ description: 'Reference title', example: 'Product Launch', minLength: 1, maxLength: 255 })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(255, TOO_LONG)
  title: string;

  @ApiPropertyOptional({
    description: 'Optional description or notes',
    example: 'Version 2.0 released with new features',
    nullable: true,
    type: String,
    maxLength: 10000,
  })
  @IsOptional()
  @IsString(EXPECTED_STRING)
  @MaxLength(10000, TOO_LONG)
  description?: string | null;

  @ApiProperty({
    description:
      'When it happened, ISO 8601: `2024-01-15T10:00:00.000Z`, `2024-01-15T10:00:00-05:00`, or a date alone ' +
      '(`2024-01-15`, meaning 00:00 UTC). A time without offset is UTC. Answered as `date`.',
    example: '2024-01-15T10:00:00.000Z',
    type: String,
  })
  @IsReferenceDate()
  datetime: string;
}
