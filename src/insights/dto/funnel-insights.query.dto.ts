import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHART_LIMITS, FUNNEL_GROUPS, FUNNEL_LIMITS, type FunnelGroup } from '@app/analytics';
import { ChartFilterDto, MAX_EVENT_NAME } from '../../export/dto/chart-definition.dto';
import { booleanFlag, integer } from '../../export/dto/query-transforms';
import { InsightFilteredQueryDto } from './insight-query.dto';

/** One step of a funnel given as JSON: an event name and conditions on its events. */
export class FunnelStepDto {
  @ApiProperty({ description: 'The event name', example: 'checkout', maxLength: MAX_EVENT_NAME })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_NAME)
  name: string;

  @ApiPropertyOptional({
    type: [ChartFilterDto],
    description: 'Conditions on the events of this step, all of which must hold (same grammar as `filters`)',
    maxItems: CHART_LIMITS.maxFilters,
    example: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CHART_LIMITS.maxFilters)
  @ValidateNested({ each: true })
  @Type(() => ChartFilterDto)
  filters?: ChartFilterDto[];
}

const STEPS_MESSAGE = `steps must have between ${FUNNEL_LIMITS.minSteps} and ${FUNNEL_LIMITS.maxSteps} items`;

/** One value of `steps`: a name, or JSON (an object, or an array of names and objects) when it starts with `{` or `[`. */
function stepsOf(part: unknown): unknown[] {
  if (typeof part !== 'string') return [part];
  const text = part.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return [{ name: part }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [part];
  }
  return Array.isArray(parsed) ? parsed.map((item) => (typeof item === 'string' ? { name: item } : item)) : [parsed];
}

/**
 * `steps` as sent: repeated names (`steps=view&steps=checkout`, OpenPanel's form), one JSON array
 * (`steps=["view",{"name":"checkout","filters":[...]}]`) or a JSON object per repeated value.
 * A value that is not valid JSON although it starts with `{` or `[` is left as text, which the
 * validator refuses.
 */
function funnelSteps({ value }: { value: unknown }): unknown {
  if (value === undefined || value === null) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap(stepsOf);
  return items.map((item) =>
    typeof item === 'object' && item !== null && !Array.isArray(item) ? plainToInstance(FunnelStepDto, item) : item,
  );
}

export class FunnelQueryDto extends InsightFilteredQueryDto {
  /** Documented by the controller (ApiQuery): names or JSON step objects. */
  @ApiHideProperty()
  @Transform(funnelSteps)
  @IsArray({ message: STEPS_MESSAGE })
  @ArrayMinSize(FUNNEL_LIMITS.minSteps, { message: STEPS_MESSAGE })
  @ArrayMaxSize(FUNNEL_LIMITS.maxSteps, { message: STEPS_MESSAGE })
  @ValidateNested({
    each: true,
    message: 'Expected an event name, or a JSON object {"name":...,"filters":[...]}; a value starting with { or [ must be valid JSON',
  })
  steps: FunnelStepDto[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: FUNNEL_LIMITS.minWindowHours,
    maximum: FUNNEL_LIMITS.maxWindowHours,
    default: FUNNEL_LIMITS.defaultWindowHours,
    description: 'Hours from the first step within which every later step must happen (a step exactly this long after it counts)',
  })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(FUNNEL_LIMITS.minWindowHours)
  @Max(FUNNEL_LIMITS.maxWindowHours)
  windowHours?: number;

  @ApiPropertyOptional({
    enum: FUNNEL_GROUPS,
    enumName: 'FunnelGroup',
    default: 'session_id',
    description:
      '`session_id`: each session goes through the funnel on its own (an event is in the session of its device that ' +
      'spans it); `profile_id`: each identified profile, over all its sessions and devices (anonymous events are left out)',
  })
  @IsOptional()
  @IsIn(FUNNEL_GROUPS)
  groupBy?: FunnelGroup;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      "Count steps at the same millisecond in the order of the steps (batched, server-side or imported events), as OpenPanel's " +
      '`FUNNEL_NON_STRICT_ORDERING` setting does for a whole server. By default each step must be strictly later than the one before. ' +
      'With it, an event that matches two consecutive steps (a step repeated) counts for both.',
  })
  @IsOptional()
  @Transform(booleanFlag)
  @IsBoolean()
  nonStrictOrdering?: boolean;
}
