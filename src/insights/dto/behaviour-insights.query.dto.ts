import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_RETENTION_PERIODS, RETENTION_INTERVALS, type RetentionInterval } from '@app/analytics';
import { integer } from '../../export/dto/query-transforms';
import { InsightDatesQueryDto } from './insight-query.dto';

/** `retention` and `retention/cohort`: the window and the interval (OpenPanel takes neither). */
export class RetentionQueryDto extends InsightDatesQueryDto {
  @ApiPropertyOptional({
    enum: RETENTION_INTERVALS,
    enumName: 'RetentionInterval',
    default: 'week',
    description:
      "Length of a period, in the project's calendar: weeks start on Monday (OpenPanel's on Sunday). Without dates or " +
      `\`range\`, the window is the current period and the ${DEFAULT_RETENTION_PERIODS} before it, up to the end of today`,
  })
  @IsOptional()
  @IsIn(RETENTION_INTERVALS)
  interval?: RetentionInterval;
}

/** `active_users`: the rolling window's length, and the days to list. */
export class ActiveUsersQueryDto extends InsightDatesQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 90,
    default: 7,
    example: 30,
    description: 'Days of the rolling window: 1 (DAU), 7 (WAU), 30 (MAU) or any other from 1 to 90',
  })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}
