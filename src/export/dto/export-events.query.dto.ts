import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { CHART_LIMITS, MAX_EVENT_PAGE_SIZE, RANGE_NAMES, type RangeName } from '@app/analytics';
import { ChartFilterDto, MAX_EVENT_NAME } from './chart-definition.dto';
import { ProjectQueryDto } from './project.query.dto';
import { integer, JsonArrayQuery, stringList } from './query-transforms';

/**
 * OpenPanel returns some event columns only when `includes` names them; here every column is
 * always in the answer, so those keys are accepted and change nothing (a request written for
 * OpenPanel gets what it asked for, and more).
 */
export const COLUMN_INCLUDES = [
  'properties',
  'region',
  'longitude',
  'latitude',
  'osVersion',
  'browserVersion',
  'device',
  'brand',
  'model',
  'origin',
  'referrer',
  'referrerName',
  'referrerType',
  'importedAt',
  'sdkName',
  'sdkVersion',
  'revenue',
  'groups',
] as const;
export const EVENT_INCLUDES = ['profile', 'meta', ...COLUMN_INCLUDES] as const;
export type EventInclude = (typeof EVENT_INCLUDES)[number];

export const EXPORT_FORMATS = ['json', 'ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const DATE = 'Inclusive: `YYYY-MM-DD` (the whole day, project time zone) or an ISO 8601 date-time';

/** GET /export/events: a page (JSON), or every matching event as a stream (NDJSON, CSV). */
export class ExportEventsQueryDto extends ProjectQueryDto {
  @ApiPropertyOptional({
    description: "Events of this profile, including those sent under any of the profile's aliases, e.g. `user_789`",
    maxLength: 255,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  profileId?: string;

  @ApiPropertyOptional({
    description:
      'Event name(s), e.g. `screen_view`: repeated (`event=a&event=b`), comma-separated (`event=a,b`) or a JSON array (`event=["a","b"]`). ' +
      '`session_start` and `session_end` (one per session, at its first and last event; `session_end` with `duration` in ms and ' +
      "`properties.__bounce` 'true'/'false') are listed when named here, answered from the sessions, alone or among stored events; " +
      'without `event`, only stored events are listed',
    type: [String],
    maxItems: 100,
  })
  @IsOptional()
  @Transform(stringList)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(MAX_EVENT_NAME, { each: true })
  event?: string[];

  @ApiPropertyOptional({ description: `Range start, e.g. \`2024-04-15\`. ${DATE}`, maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  start?: string;

  @ApiPropertyOptional({ description: `Range end, e.g. \`2024-04-18\`. ${DATE}`, maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  end?: string;

  @ApiPropertyOptional({ description: 'Alias of start', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  startDate?: string;

  @ApiPropertyOptional({ description: 'Alias of end', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  endDate?: string;

  @ApiPropertyOptional({
    enum: RANGE_NAMES,
    enumName: 'DateRangeName',
    description: 'Named range in the project time zone, used when no start or end is given',
  })
  @IsOptional()
  @IsIn(RANGE_NAMES)
  range?: RangeName;

  @ApiPropertyOptional({
    type: 'integer',
    default: 1,
    minimum: 1,
    maximum: 1_000_000,
    description: 'Page number; for deep pages prefer `cursor`',
  })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({
    type: 'integer',
    default: 50,
    minimum: 1,
    maximum: MAX_EVENT_PAGE_SIZE,
    description: 'Events per page (JSON only; streams have no limit)',
  })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(MAX_EVENT_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    description:
      "`profile` adds each event's profile, `meta` its event description. The other keys name event columns, which OpenPanel returns only when asked: here every column (`properties` too) is always in the answer, so they are accepted and change nothing. Repeated, comma-separated or a JSON array.",
    enum: EVENT_INCLUDES,
    isArray: true,
    example: ['profile', 'meta'],
  })
  @IsOptional()
  @Transform(stringList)
  @IsArray()
  @ArrayMaxSize(EVENT_INCLUDES.length * 2)
  @IsIn(EVENT_INCLUDES, { each: true })
  includes?: EventInclude[];

  @JsonArrayQuery(ChartFilterDto, CHART_LIMITS.maxFilters)
  filters?: ChartFilterDto[];

  @ApiPropertyOptional({
    description: 'Keyset paging: `meta.cursor` of the previous page. Deep pages cost what the first does; combine with page 1 only.',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    enum: EXPORT_FORMATS,
    enumName: 'ExportFormat',
    description:
      '`json` (default): one page. `ndjson` / `csv`: every matching event, newest first, streamed without a page limit. ' +
      'Also chosen by `Accept: application/x-ndjson` or `text/csv`; this parameter wins.',
  })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
