import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { AUDIT_ACTIONS, type AuditAction } from '@app/database';
import { integer } from '../../../export/dto/query-transforms';
import { EXPECTED_STRING, TOO_LONG, TOO_SHORT } from '../../dto/messages';

export const MAX_AUDIT_PAGE_SIZE = 1000;
export const DEFAULT_AUDIT_PAGE_SIZE = 100;

export class ListAuditQueryDto {
  @ApiPropertyOptional({ description: 'Only the changes of this project (a deleted one too)', example: 'my-website' })
  @IsOptional()
  @IsString(EXPECTED_STRING)
  @MinLength(1, TOO_SHORT)
  @MaxLength(128, TOO_LONG)
  projectId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, enumName: 'AuditAction', description: 'Only this action' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_AUDIT_PAGE_SIZE, minimum: 1, maximum: MAX_AUDIT_PAGE_SIZE })
  @IsOptional()
  @Transform(integer)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Keyset paging: `meta.cursor` of the previous page', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
