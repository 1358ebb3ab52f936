import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHART_LIMITS, FILTER_OPERATORS, type FilterOperator, SEGMENTS, type Segment } from '@app/analytics';

/** Longest field name accepted (`properties.<key>` included); property keys are stored up to this. */
export const MAX_FIELD_NAME = 1024;
/** Longest filter value; a regex is capped lower by the chart engine. */
export const MAX_FILTER_VALUE = 4096;
/** Longest event name (a series name or an `event` of the listing). */
export const MAX_EVENT_NAME = 255;

const FIELD_NAMES =
  'A column (`country`, `city`, `region`, `device`, `browser`, `os`, `referrer`, `referrerName`, `path`, `origin`, `name`, ' +
  '`profileId`, `createdAt`, `groups`, ...), `properties.<key>`, `properties.__query.<utm>`, `profile.<field>` or ' +
  '`profile.properties.<key>`. Property keys are case-sensitive.';

/** Numbers and booleans in `value` are read as their text, as OpenPanel's dashboards send them. */
function valuesAsText({ value }: { value: unknown }): unknown {
  return Array.isArray(value) ? value.map((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v)) : value;
}

export class ChartFilterDto {
  @ApiProperty({ description: FIELD_NAMES, example: 'properties.plan', maxLength: MAX_FIELD_NAME })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_FIELD_NAME)
  name: string;

  @ApiProperty({
    enum: FILTER_OPERATORS,
    enumName: 'FilterOperator',
    description:
      'Several values mean any of them (`isNot`, `doesNotContain`: none of them). `regex` is RE2 syntax. ' +
      '`gt`/`lt`/`gte`/`lte` compare numbers (rows whose value is not a number are left out), or instants on `createdAt`.',
    example: 'is',
  })
  @IsIn(FILTER_OPERATORS)
  operator: FilterOperator;

  @ApiProperty({
    type: [String],
    description: 'Empty for `isNull`/`isNotNull`; a value operator with no values filters nothing',
    example: ['pro'],
    maxItems: CHART_LIMITS.maxFilterValues,
  })
  @Transform(valuesAsText)
  @IsArray()
  @ArrayMaxSize(CHART_LIMITS.maxFilterValues)
  @IsString({ each: true })
  @MaxLength(MAX_FILTER_VALUE, { each: true })
  value: string[];
}

export class ChartEventDto {
  @ApiPropertyOptional({
    description: 'Echoed as the series `event.id`; the position of the event when absent',
    example: 'evt1',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  id?: string;

  @ApiProperty({
    description:
      'An event name, or `*` for every stored event; `session_start` and `session_end` (one per session, at its first and last event) are answered from the sessions',
    example: 'screen_view',
    maxLength: MAX_EVENT_NAME,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_NAME)
  name: string;

  @ApiPropertyOptional({
    enum: SEGMENTS,
    enumName: 'ChartSegment',
    description:
      '`event` counts events; `user` distinct profiles (anonymous visitors by device); `session` distinct sessions; ' +
      '`user_average` events per user; `one_event_per_user` each user once, at their first event; `property_*` aggregate ' +
      'the numeric `property` (rows where it is missing or not a number are ignored). Default: event.',
  })
  @IsOptional()
  @IsIn(SEGMENTS)
  segment?: Segment;

  @ApiPropertyOptional({
    description: `The numeric field of the \`property_*\` segments. ${FIELD_NAMES}`,
    example: 'properties.total',
    maxLength: MAX_FIELD_NAME,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_FIELD_NAME)
  property?: string;

  @ApiPropertyOptional({ type: [ChartFilterDto], description: 'All must hold', maxItems: CHART_LIMITS.maxFilters })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CHART_LIMITS.maxFilters)
  @ValidateNested({ each: true })
  @Type(() => ChartFilterDto)
  filters?: ChartFilterDto[];
}

export class ChartBreakdownDto {
  @ApiProperty({
    description: `One series per distinct value; empty values group under "". ${FIELD_NAMES}`,
    example: 'country',
    maxLength: MAX_FIELD_NAME,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_FIELD_NAME)
  name: string;
}
