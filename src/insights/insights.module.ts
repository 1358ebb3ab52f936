import { Module } from '@nestjs/common';
import { ExportModule } from '../export/export.module';
import { BreakdownInsightsController } from './breakdown-insights.controller';
import { EventsInsightsController } from './events-insights.controller';
import { EventsInsightsService } from './events-insights.service';
import { FlowInsightsController } from './flow-insights.controller';
import { FlowInsightsService } from './flow-insights.service';
import { GroupsInsightsController } from './groups-insights.controller';
import { GroupsInsightsService } from './groups-insights.service';
import { ProfilesInsightsController } from './profiles-insights.controller';
import { ProfilesInsightsService } from './profiles-insights.service';
import { WebInsightsController } from './web-insights.controller';
import { WebInsightsService } from './web-insights.service';

/** OpenPanel's `/insights/:projectId/*` routes, read from events and the sessions the builder keeps. */
@Module({
  imports: [ExportModule],
  controllers: [
    WebInsightsController,
    BreakdownInsightsController,
    EventsInsightsController,
    ProfilesInsightsController,
    FlowInsightsController,
    GroupsInsightsController,
  ],
  providers: [WebInsightsService, EventsInsightsService, ProfilesInsightsService, FlowInsightsService, GroupsInsightsService],
})
export class InsightsModule {}
