import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';

export class ImportEventsQueryDto {
  @ApiPropertyOptional({
    description:
      'Project to import into (its id, e.g. `my-website`): required for root clients; a write client imports into its own project',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  projectId?: string;
}
