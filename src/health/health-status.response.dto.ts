import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LiveResponseDto {
  @ApiProperty({ example: 'ok' })
  status: string;
}

export class DependencyCheckDto {
  @ApiProperty({ enum: ['ok', 'error'] })
  status: 'ok' | 'error';

  @ApiProperty({ description: 'Time the check took, in milliseconds' })
  latencyMs: number;

  @ApiPropertyOptional({ description: 'Why the check failed' })
  error?: string;

  @ApiPropertyOptional({ description: 'server, or embedded (PGlite / chDB)' })
  mode?: string;
}

export class HealthcheckResponseDto {
  @ApiProperty({ enum: ['ok', 'error'] })
  status: 'ok' | 'error';

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/DependencyCheckDto' } })
  checks: Record<string, DependencyCheckDto>;
}
