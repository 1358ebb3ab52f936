import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { CHART_LIMITS, INTERVALS, type Interval, RANGE_NAMES, type RangeName } from '@app/analytics';
import { ChartBreakdownDto, ChartEventDto } from './chart-definition.dto';
import { ProjectQueryDto } from './project.query.dto';
import { booleanFlag, JsonArrayQuery } from './query-transforms';

/**
 * GET /export/charts. `events` (alias `series`) and `breakdowns` travel as JSON (one array, or
 * one object per repeated value); the controller documents them (ApiJsonArrayQuery).
 */
export class ExportChartsQueryDto extends ProjectQueryDto {
  @JsonArrayQuery(ChartEventDto, CHART_LIMITS.maxSeries)
  events?: ChartEventDto[];

  @JsonArrayQuery(ChartEventDto, CHART_LIMITS.maxSeries)
  series?: ChartEventDto[];

  @JsonArrayQuery(ChartBreakdownDto, CHART_LIMITS.maxBreakdowns)
  breakdowns?: ChartBreakdownDto[];

  @ApiPropertyOptional({
    enum: INTERVALS,
    enumName: 'ChartInterval',
    default: 'day',
    description: 'Bucket size; weeks start on Monday, all buckets in the project time zone',
  })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: Interval;

  @ApiPropertyOptional({
    enum: RANGE_NAMES,
    enumName: 'DateRangeName',
    default: '30d',
    description: 'Named range, in the project time zone; ignored when startDate and endDate are given',
  })
  @IsOptional()
  @IsIn(RANGE_NAMES)
  range?: RangeName;

  @ApiPropertyOptional({
    description:
      'Custom range start, inclusive: `YYYY-MM-DD` (the whole day, project time zone) or an ISO 8601 date-time, e.g. `2024-04-01`; needs endDate',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  startDate?: string;

  @ApiPropertyOptional({ description: 'Custom range end, inclusive, e.g. `2024-04-30`; needs startDate', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  endDate?: string;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Also compute the period of the same length just before, with `change`, `diff` and `state`',
  })
  @IsOptional()
  @Transform(booleanFlag)
  @IsBoolean()
  previous?: boolean;
}
