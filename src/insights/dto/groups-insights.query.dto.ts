import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { integer } from '../../export/dto/query-transforms';
import { InsightProjectParamsDto } from './insight-params.dto';
import { PageCursor, PageLimit } from './insight-query.dto';

export class GroupInsightParamsDto extends InsightProjectParamsDto {
  @ApiProperty({ description: 'The group id, as `group` created it', example: 'acme', minLength: 1, maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  groupId: string;
}

export class GroupsQueryDto {
  @ApiPropertyOptional({ description: 'Only groups of this type (exact)', example: 'company', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  type?: string;

  @ApiPropertyOptional({
    description:
      'Groups whose name or id contains this, ignoring case; `%` and `_` are plain characters (OpenPanel reads them as wildcards)',
    example: 'acme',
    maxLength: 255,
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;

  @PageCursor('OpenPanel has no paging here; pages follow the order newest first, ties by id.')
  cursor?: number;

  @PageLimit()
  limit?: number;
}

export class GroupDetailQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    default: 10,
    minimum: 1,
    maximum: 50,
    description: 'How many of its members to show, newest first',
  })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(50)
  memberLimit?: number;
}
