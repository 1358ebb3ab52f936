import { Module } from '@nestjs/common';
import { ExportController } from './export.controller';
import { ExportEventsService } from './export-events.service';

@Module({ controllers: [ExportController], providers: [ExportEventsService] })
export class ExportModule {}
