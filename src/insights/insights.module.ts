import { Module } from '@nestjs/common';
import { ExportModule } from '../export/export.module';
import { BreakdownInsightsController } from './breakdown-insights.controller';
import { ProfilesInsightsController } from './profiles-insights.controller';
import { ProfilesInsightsService } from './profiles-insights.service';
import { WebInsightsController } from './web-insights.controller';
import { WebInsightsService } from './web-insights.service';

/** OpenPanel's `/insights/:projectId/*` routes, read from events and the sessions the builder keeps. */
@Module({
  imports: [ExportModule],
  controllers: [WebInsightsController, BreakdownInsightsController, ProfilesInsightsController],
  providers: [WebInsightsService, ProfilesInsightsService],
})
export class InsightsModule {}
