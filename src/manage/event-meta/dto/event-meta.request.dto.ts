import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EXPECTED_BOOLEAN, EXPECTED_STRING, TOO_LONG, TOO_SHORT } from '../../dto/messages';

export class EventMetaParamsDto {
  @ApiProperty({ description: 'Project id', example: 'my-website' })
  @IsString(EXPECTED_STRING)
  @MaxLength(128, TOO_LONG)
  projectId: string;

  @ApiProperty({ description: 'Event name, URL-encoded', example: 'sign_up' })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(255, TOO_LONG)
  name: string;
}

export class ListEventMetaQueryDto {
  @ApiProperty({ description: 'Project whose event descriptions to list', example: 'my-website' })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(128, TOO_LONG)
  projectId: string;
}

/** The whole description of an event name: a field left out takes its default. */
export class PutEventMetaRequestDto {
  @ApiPropertyOptional({
    description: 'What the event means; null or omitted for none',
    example: 'A visitor created an account',
    nullable: true,
    type: String,
    maxLength: 10000,
  })
  @IsOptional()
  @IsString(EXPECTED_STRING)
  @MaxLength(10000, TOO_LONG)
  description?: string | null;

  @ApiPropertyOptional({ description: 'Whether the event counts as a conversion (a goal). Default: false (also for null).' })
  @IsOptional()
  @IsBoolean(EXPECTED_BOOLEAN)
  conversion?: boolean | null;
}
