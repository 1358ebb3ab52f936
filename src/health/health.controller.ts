import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth';
import { API_VERSION } from '../openapi/openapi';
import { HealthcheckResponseDto, LiveResponseDto, ServiceInfoResponseDto } from './health-status.response.dto';
import { HealthService } from './health.service';
import { LifecycleService } from './lifecycle.service';

/** The name `GET /` answers with (package.json's). */
const SERVICE_NAME = 'openpanel-compatible-api';

@ApiTags('Health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly health: HealthService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'serviceInfo', summary: 'What this server is, and where its docs and probes are', security: [] })
  @ApiResponse({ status: 200, type: ServiceInfoResponseDto, description: 'Name, version and links' })
  info(): ServiceInfoResponseDto {
    return { name: SERVICE_NAME, version: API_VERSION, docs: '/docs', openapi: '/docs-json', health: '/healthz/ready' };
  }

  @Get('healthz/live')
  @ApiOperation({ operationId: 'healthLive', summary: 'Liveness: the process answers', security: [] })
  @ApiResponse({ status: 200, type: LiveResponseDto, description: 'The process answers' })
  live(): LiveResponseDto {
    return { status: 'ok' };
  }

  @Get('healthz/ready')
  @ApiOperation({ operationId: 'healthReady', summary: 'Readiness: 503 while starting or shutting down', security: [] })
  @ApiResponse({ status: 200, type: LiveResponseDto, description: 'Ready to serve' })
  @ApiResponse({ status: 503, type: LiveResponseDto, description: 'Starting or shutting down' })
  ready(@Res({ passthrough: true }) reply: FastifyReply): LiveResponseDto {
    const ready = this.lifecycle.isReady();
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'unavailable' };
  }

  @Get('healthcheck')
  @ApiOperation({ operationId: 'healthcheck', summary: 'Each dependency (PostgreSQL, ClickHouse, Redis when configured)', security: [] })
  @ApiResponse({ status: 200, type: HealthcheckResponseDto, description: 'Every dependency answers' })
  @ApiResponse({ status: 503, type: HealthcheckResponseDto, description: 'At least one dependency failed its check' })
  async healthcheck(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthcheckResponseDto> {
    const result = await this.health.check();
    reply.status(result.status === 'ok' ? 200 : 503);
    return result;
  }
}
