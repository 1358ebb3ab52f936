import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHART_LIMITS } from '@app/analytics';
import { ChartFilterDto } from '../../export/dto/chart-definition.dto';
import { integer, JsonArrayQuery } from '../../export/dto/query-transforms';
import { InsightProjectParamsDto } from './insight-params.dto';
import { PageCursor, PageLimit } from './insight-query.dto';

export class ProfileInsightParamsDto extends InsightProjectParamsDto {
  @ApiProperty({
    description: 'The profile id, always a string: `123` is the profile "123" (OpenPanel turns it into a number and answers 400)',
    example: 'user-42',
    minLength: 1,
    maxLength: 255,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  profileId: string;
}

/** Most words a `name` search may hold. */
export const MAX_NAME_TOKENS = 5;

/** The profile properties the equality parameters read, by parameter name. */
export const PROFILE_PROPERTY_PARAMS = ['country', 'city', 'device', 'browser'] as const;

const propertyEquals = (name: string) =>
  applyDecorators(
    ApiPropertyOptional({ description: `Profiles whose property \`${name}\` is exactly this (case-sensitive)`, maxLength: 1024 }),
    IsOptional(),
    IsString(),
    MaxLength(1024),
  );

const positive = (description: string, max: number) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: max, description }),
    IsOptional(),
    Transform(integer),
    IsInt(),
    Min(1),
    Max(max),
  );

export class ProfilesQueryDto {
  @ApiPropertyOptional({
    description:
      `Search: up to ${MAX_NAME_TOKENS} words separated by white space (more is a 400), each of which must occur, ignoring case, in the ` +
      'id, email, first name, last name or "first last". `%` and `_` are plain characters (OpenPanel reads them as wildcards)',
    example: 'ada love',
    maxLength: 255,
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({
    description: 'Profiles whose email contains this, ignoring case; `%` and `_` are plain characters',
    maxLength: 320,
  })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @propertyEquals('country') country?: string;
  @propertyEquals('city') city?: string;
  @propertyEquals('device') device?: string;
  @propertyEquals('browser') browser?: string;

  @positive('Profiles with no event in the last N days (24-hour periods back from now); profiles without events count as inactive', 36_500)
  inactiveDays?: number;

  @positive(
    'Profiles with at least N sessions, each session counted once in its current version (OpenPanel counts stored rows, superseded versions included)',
    1_000_000,
  )
  minSessions?: number;

  @ApiPropertyOptional({ description: 'Profiles that ever did an event of this name (exact)', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  performedEvent?: string;

  /** The chart engine's filters on the profile's own fields (documented by the controller: ProfileFilters). */
  @JsonArrayQuery(ChartFilterDto, CHART_LIMITS.maxFilters)
  filters?: ChartFilterDto[];

  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    default: 'desc',
    description: 'By first seen (`created_at`), ties by id in the same direction',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  sortOrder?: 'asc' | 'desc';

  @PageCursor('OpenPanel has no paging here.')
  cursor?: number;

  @PageLimit()
  limit?: number;
}

export class ProfileDetailQueryDto {
  @PageLimit('How many of its newest events to show')
  eventLimit?: number;
}

export class ProfileSessionsQueryDto {
  @PageCursor('OpenPanel has no paging here.')
  cursor?: number;

  @PageLimit()
  limit?: number;
}
