import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class ServiceInfoResponseDto {
  @ApiProperty({ example: 'openpanel-compatible-api' })
  name: string;

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({ description: 'Swagger UI', example: '/docs' })
  docs: string;

  @ApiProperty({ description: 'The OpenAPI 3.1 document', example: '/docs-json' })
  openapi: string;

  @ApiProperty({ description: 'Readiness probe', example: '/healthz/ready' })
  health: string;
}

export class LiveResponseDto {
  @ApiProperty({ enum: ['ok', 'unavailable'], example: 'ok' })
  status: 'ok' | 'unavailable';
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

@ApiExtraModels(DependencyCheckDto)
export class HealthcheckResponseDto {
  @ApiProperty({ enum: ['ok', 'error'] })
  status: 'ok' | 'error';

  @ApiProperty({
    type: 'object',
    description: 'One entry per dependency: `postgres`, `clickhouse`, and `redis` when configured',
    additionalProperties: { $ref: getSchemaPath(DependencyCheckDto) },
  })
  checks: Record<string, DependencyCheckDto>;
}
