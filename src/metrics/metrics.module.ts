import { Module } from '@nestjs/common';
import { ExportModule } from '../export/export.module';
import { PipelineModule } from '../pipeline';
import { HttpMetrics } from './http-metrics';
import { IngestMetrics } from './ingest-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsService } from './metrics.service';
import { QueryMetrics } from './query-metrics';

/**
 * GET /metrics in Prometheus text format. The modules it measures know nothing of it: it reads
 * their counts and gauges when scraped and hands their writers and query runner an observer.
 */
@Module({
  imports: [PipelineModule, ExportModule],
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetrics, IngestMetrics, QueryMetrics, MetricsTokenGuard],
})
export class MetricsModule {}
