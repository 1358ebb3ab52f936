import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { EXPECTED_STRING, TOO_LONG } from '../../dto/messages';

export class ListClientsQueryDto {
  @ApiPropertyOptional({ description: 'Only the clients of this project' })
  @IsOptional()
  @IsString(EXPECTED_STRING)
  @MaxLength(128, TOO_LONG)
  projectId?: string;
}
