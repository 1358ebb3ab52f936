import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { EXPECTED_STRING, TOO_LONG } from '../../dto/messages';

export class ListReferencesQueryDto {
  @ApiPropertyOptional({ description: 'Only the references of this project; all of the organisation when omitted', example: 'my-project' })
  @IsOptional()
  @IsString(EXPECTED_STRING)
  @MaxLength(128, TOO_LONG)
  projectId?: string;
}
