import { Module } from '@nestjs/common';
import { EngineQueryService } from './engine-query.service';
import { EventQueryService } from './event-query.service';
import { ExportChartsController } from './export-charts.controller';
import { ExportChartsService } from './export-charts.service';
import { ExportEventsController } from './export-events.controller';
import { ExportEventsService } from './export-events.service';
import { ExportSlotsService } from './export-slots.service';
import { ExportStreamService } from './export-stream.service';

@Module({
  controllers: [ExportEventsController, ExportChartsController],
  providers: [EngineQueryService, EventQueryService, ExportEventsService, ExportSlotsService, ExportStreamService, ExportChartsService],
  // For the metrics module, which times its statements.
  exports: [EngineQueryService],
})
export class ExportModule {}
