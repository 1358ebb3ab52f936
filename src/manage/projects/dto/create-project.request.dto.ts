import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPECTED_BOOLEAN, EXPECTED_STRING, received, TOO_LONG, TOO_SHORT } from '../../dto/messages';

/** A hundred years: the upper bound of `retentionDays`. */
export const MAX_RETENTION_DAYS = 36_500;

export const PROJECT_TYPES = ['website', 'app', 'backend'] as const;

export class CreateProjectRequestDto {
  @ApiProperty({ example: 'My website', minLength: 1, maxLength: 255, description: 'Also gives the project its id: a slug of the name' })
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(255, TOO_LONG)
  name: string;

  @ApiPropertyOptional({
    example: 'https://example.com',
    nullable: true,
    type: String,
    description: 'URL of the site; empty or null for none',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null && v !== '')
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'Invalid url' })
  domain?: string | null;

  @ApiPropertyOptional({
    example: ['https://example.com', '*.example.com'],
    description:
      'Origins that may send events without a secret. Entries are trimmed, trailing slashes and duplicates dropped; `*.example.com` admits subdomains, `*` any origin.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true, ...EXPECTED_STRING })
  @MaxLength(2048, { each: true, ...TOO_LONG })
  cors?: string[] | null;

  @ApiPropertyOptional({
    description: 'Cross-domain tracking for this project. Default: false (on update, omitted keeps the current value and null resets it).',
  })
  @IsOptional()
  @IsBoolean(EXPECTED_BOOLEAN)
  crossDomain?: boolean | null;

  @ApiPropertyOptional({ enum: PROJECT_TYPES, isArray: true, example: ['website'] })
  @IsOptional()
  @IsArray()
  @IsIn(PROJECT_TYPES, { each: true, message: `Expected one of ${PROJECT_TYPES.join(', ')}` })
  types?: (typeof PROJECT_TYPES)[number][] | null;

  @ApiPropertyOptional({
    example: 'Europe/Stockholm',
    nullable: true,
    type: String,
    description: 'IANA time zone used for charts; empty or null for UTC',
  })
  @IsOptional()
  @Transform(({ value }) => (value === '' ? null : value))
  @IsTimeZone({ message: 'Invalid time zone' })
  timezone?: string | null;

  @ApiPropertyOptional({
    example: 395,
    nullable: true,
    type: 'integer',
    minimum: 1,
    maximum: MAX_RETENTION_DAYS,
    description:
      'Days events are kept; null or absent keeps them forever (on update, null clears it). Older events are deleted from storage ' +
      'within an hour of passing the limit, and at once when the limit is set or shortened.',
  })
  @IsOptional()
  @IsInt({ message: (a: ValidationArguments) => `Expected integer, received ${typeof a.value === 'number' ? 'float' : received(a.value)}` })
  @Min(1, { message: 'Number must be greater than or equal to 1' })
  @Max(MAX_RETENTION_DAYS, { message: `Number must be less than or equal to ${MAX_RETENTION_DAYS}` })
  retentionDays?: number | null;
}
