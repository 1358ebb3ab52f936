import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { USER_FLOW_LIMITS, USER_FLOW_MODES, type UserFlowMode } from '@app/analytics';
import { MAX_EVENT_NAME } from '../../export/dto/chart-definition.dto';
import { integer, stringList } from '../../export/dto/query-transforms';
import { InsightDatesQueryDto } from './insight-query.dto';

const LIST_NOTE =
  'repeated (`x=a&x=b`), comma-separated (`x=a,b`) or a JSON array (`x=["a","b"]`, the only spelling for a name with a comma)';

export class UserFlowQueryDto extends InsightDatesQueryDto {
  @ApiProperty({
    description: 'The event name the paths start from (`after`, `between`) or lead to (`before`)',
    example: 'screen_view',
    maxLength: MAX_EVENT_NAME,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_NAME)
  startEvent: string;

  @ApiPropertyOptional({
    description:
      'The event name the paths end with; required by `between` (a 400 without it; OpenPanel answers 500), ignored by the other modes',
    example: 'checkout',
    maxLength: MAX_EVENT_NAME,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_NAME)
  endEvent?: string;

  @ApiPropertyOptional({
    enum: USER_FLOW_MODES,
    enumName: 'UserFlowMode',
    default: 'after',
    description: 'Paths after startEvent, before it, or between it and endEvent',
  })
  @IsOptional()
  @IsIn(USER_FLOW_MODES)
  mode?: UserFlowMode;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: USER_FLOW_LIMITS.minSteps,
    maximum: USER_FLOW_LIMITS.maxSteps,
    default: USER_FLOW_LIMITS.defaultSteps,
    description: 'Longest path, in events (startEvent and endEvent included)',
  })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(USER_FLOW_LIMITS.minSteps)
  @Max(USER_FLOW_LIMITS.maxSteps)
  steps?: number;

  @ApiPropertyOptional({
    type: [String],
    maxItems: USER_FLOW_LIMITS.maxNames,
    description: `Only these event names (with startEvent and endEvent) make up the paths: ${LIST_NOTE}`,
    example: ['screen_view', 'add_to_cart'],
  })
  @IsOptional()
  @Transform(stringList)
  @IsArray()
  @ArrayMaxSize(USER_FLOW_LIMITS.maxNames)
  @IsString({ each: true })
  @MaxLength(MAX_EVENT_NAME, { each: true })
  include?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: USER_FLOW_LIMITS.maxNames,
    description: `These event names are left out of the paths (ignored when include is given, as upstream): ${LIST_NOTE}`,
    example: ['session_end'],
  })
  @IsOptional()
  @Transform(stringList)
  @IsArray()
  @ArrayMaxSize(USER_FLOW_LIMITS.maxNames)
  @IsString({ each: true })
  @MaxLength(MAX_EVENT_NAME, { each: true })
  exclude?: string[];
}
