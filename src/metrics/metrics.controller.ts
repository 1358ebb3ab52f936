import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint. Left out of the OpenAPI document, as OpenPanel does: it is for
 * the operator's monitoring, not for API clients (README documents it). Open to anyone unless
 * METRICS_TOKEN is set; the client guard does not apply (no OpenPanel client scrapes).
 */
@ApiExcludeController()
@Public()
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.contentType).header('cache-control', 'no-store');
    return this.metrics.render();
  }
}
