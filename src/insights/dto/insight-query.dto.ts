import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { CHART_LIMITS, PAGE_SORTS, type PageSort, RANGE_NAMES, type RangeName } from '@app/analytics';
import { ChartFilterDto } from '../../export/dto/chart-definition.dto';
import { integer, JsonArrayQuery } from '../../export/dto/query-transforms';

/**
 * The date window of every insights route (OpenPanel's `zDateRange`), read by
 * resolveInsightDates: `YYYY-MM-DD` days are whole days of the project's calendar, both ends
 * included, and `range` is honoured on every route.
 */
export class InsightDatesQueryDto {
  @ApiPropertyOptional({
    description:
      'First day (`YYYY-MM-DD`, project time zone) or instant (ISO 8601), inclusive. Alone: up to the end of today. ' +
      'Unlike OpenPanel, a date-only endDate includes its whole day.',
    example: '2024-04-01',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  startDate?: string;

  @ApiPropertyOptional({
    description: 'Last day or instant, inclusive. Alone: a window as long as `range` ending with it.',
    example: '2024-04-30',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  endDate?: string;

  @ApiPropertyOptional({
    enum: RANGE_NAMES,
    enumName: 'DateRangeName',
    description: "Named window in the project's calendar, ending with today for the `Nd`/`Nm` ranges; dates given win",
  })
  @IsOptional()
  @IsIn(RANGE_NAMES)
  range?: RangeName;
}

/** The dates and the chart engine's `filters` (documented by the controller: ApiJsonArrayQuery). */
export class InsightFilteredQueryDto extends InsightDatesQueryDto {
  @JsonArrayQuery(ChartFilterDto, CHART_LIMITS.maxFilters)
  filters?: ChartFilterDto[];
}

/** Most rows any insights list returns in one page. */
export const MAX_INSIGHT_PAGE = 1000;

/** `cursor`: a page number, as OpenPanel's lists take it. */
export const PageCursor = (note = '') =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      default: 1,
      minimum: 0,
      maximum: 1_000_000,
      description: `Page number, from 1 (0 reads as 1).${note ? ` ${note}` : ''}`,
    }),
    IsOptional(),
    Transform(integer),
    IsInt(),
    Min(0),
    Max(1_000_000),
  );

/** `limit`: rows per page, 1 to 100, 20 unless asked. */
export const PageLimit = (description?: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 100, ...(description ? { description } : {}) }),
    IsOptional(),
    Transform(integer),
    IsInt(),
    Min(1),
    Max(100),
  );

/** Upstream's `cursor` (a page number) and `limit`, here honoured. */
export class InsightPagedQueryDto extends InsightFilteredQueryDto {
  @PageCursor('OpenPanel accepts it and ignores it; here it pages, in a stable order.')
  cursor?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_INSIGHT_PAGE,
    description:
      'Rows per page: 10 by default on the routes where OpenPanel documents `limit` (it ignores it and answers up to 1000 rows), ' +
      '1000 on the others',
  })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(MAX_INSIGHT_PAGE)
  limit?: number;
}

/** The page a query asks for, `defaultLimit` rows when it names none. */
export function pageOf(q: { cursor?: number; limit?: number }, defaultLimit: number): { limit: number; offset: number } {
  const limit = q.limit ?? defaultLimit;
  return { limit, offset: (Math.max(1, q.cursor ?? 1) - 1) * limit };
}

export const OVERVIEW_INTERVALS = ['hour', 'day', 'week', 'month'] as const;

export class InsightOverviewQueryDto extends InsightFilteredQueryDto {
  @ApiPropertyOptional({
    enum: OVERVIEW_INTERVALS,
    enumName: 'OverviewInterval',
    default: 'day',
    description: "Bucket of the series, in the project's calendar; weeks start on Monday (OpenPanel's on Sunday), as in charts",
  })
  @IsOptional()
  @IsIn(OVERVIEW_INTERVALS)
  interval?: (typeof OVERVIEW_INTERVALS)[number];
}

export class EntryExitQueryDto extends InsightPagedQueryDto {
  @ApiPropertyOptional({ enum: ['entry', 'exit'], default: 'entry', description: 'Group sessions by their first or by their last page' })
  @IsOptional()
  @IsIn(['entry', 'exit'])
  mode?: 'entry' | 'exit';
}

export const TRAFFIC_BREAKDOWNS = {
  referrers: ['referrer_name', 'referrer_type', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign'],
  geo: ['country', 'region', 'city'],
  devices: ['device', 'browser', 'os'],
} as const;

export class TrafficReferrersQueryDto extends InsightPagedQueryDto {
  @ApiPropertyOptional({ enum: TRAFFIC_BREAKDOWNS.referrers, default: 'referrer_name' })
  @IsOptional()
  @IsIn(TRAFFIC_BREAKDOWNS.referrers)
  breakdown?: (typeof TRAFFIC_BREAKDOWNS.referrers)[number];
}

export class TrafficGeoQueryDto extends InsightPagedQueryDto {
  @ApiPropertyOptional({ enum: TRAFFIC_BREAKDOWNS.geo, default: 'country' })
  @IsOptional()
  @IsIn(TRAFFIC_BREAKDOWNS.geo)
  breakdown?: (typeof TRAFFIC_BREAKDOWNS.geo)[number];
}

export class TrafficDevicesQueryDto extends InsightPagedQueryDto {
  @ApiPropertyOptional({ enum: TRAFFIC_BREAKDOWNS.devices, default: 'device' })
  @IsOptional()
  @IsIn(TRAFFIC_BREAKDOWNS.devices)
  breakdown?: (typeof TRAFFIC_BREAKDOWNS.devices)[number];
}

/** The equality parameters of `/sessions`, by query name, and the session column each reads. */
export const SESSION_EQUALITY_PARAMS = {
  country: 'country',
  city: 'city',
  device: 'device',
  browser: 'browser',
  os: 'os',
  referrer: 'referrer',
  referrerName: 'referrer_name',
  referrerType: 'referrer_type',
  profileId: 'profile_id',
} as const;

/** An optional equality parameter (`country=Germany`): `description` says what must equal it. */
export const EqualityParam = (description: string) =>
  applyDecorators(ApiPropertyOptional({ description, maxLength: 1024 }), IsOptional(), IsString(), MaxLength(1024));

const equality = (what: string) => EqualityParam(`Sessions whose ${what} is exactly this`);

export class SessionsQueryDto extends InsightFilteredQueryDto {
  @equality('country (name, or ISO code of two letters)') country?: string;
  @equality('city') city?: string;
  @equality('device type') device?: string;
  @equality('browser') browser?: string;
  @equality('operating system') os?: string;
  @equality('referrer URL') referrer?: string;
  @equality('referrer name') referrerName?: string;
  @equality('referrer type') referrerType?: string;
  @equality('profile id (a string, even when it looks like a number)') profileId?: string;

  @PageCursor()
  cursor?: number;

  @PageLimit()
  limit?: number;
}

export class PagePerformanceQueryDto extends InsightDatesQueryDto {
  @ApiPropertyOptional({ description: 'Only pages whose path, origin or title holds this text (any case)', maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  search?: string;

  @ApiPropertyOptional({ enum: PAGE_SORTS, enumName: 'PageSort', default: 'sessions' })
  @IsOptional()
  @IsIn(PAGE_SORTS)
  sortBy?: PageSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  sortOrder?: 'asc' | 'desc';

  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
