import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';

export class ListClientsQueryDto {
  @ApiPropertyOptional({ description: 'Only the clients of this project' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  projectId?: string;
}
