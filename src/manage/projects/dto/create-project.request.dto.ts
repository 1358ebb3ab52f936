import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsTimeZone, IsUrl, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROJECT_TYPES = ['website', 'app', 'backend'] as const;

export class CreateProjectRequestDto {
  @ApiProperty({ example: 'My website', minLength: 1, maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ example: 'https://example.com', nullable: true, description: 'URL of the site; empty or null for none' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null && v !== '')
  @IsUrl({ require_tld: false, require_protocol: true })
  domain?: string | null;

  @ApiPropertyOptional({ example: ['https://example.com', '*.example.com'], description: 'Origins that may send events without a secret' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  cors?: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  crossDomain?: boolean;

  @ApiPropertyOptional({ enum: PROJECT_TYPES, isArray: true, example: ['website'] })
  @IsOptional()
  @IsArray()
  @IsIn(PROJECT_TYPES, { each: true })
  types?: (typeof PROJECT_TYPES)[number][];

  @ApiPropertyOptional({ example: 'Europe/Stockholm', description: 'IANA time zone used for charts' })
  @IsOptional()
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsTimeZone()
  timezone?: string;
}
