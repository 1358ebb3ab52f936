import { Module } from '@nestjs/common';
import { ExportModule } from '../export/export.module';
import { BehaviourInsightsController } from './behaviour-insights.controller';
import { BehaviourInsightsService } from './behaviour-insights.service';
import { BreakdownInsightsController } from './breakdown-insights.controller';
import { EventsInsightsController } from './events-insights.controller';
import { EventsInsightsService } from './events-insights.service';
import { FunnelInsightsController } from './funnel-insights.controller';
import { FunnelInsightsService } from './funnel-insights.service';
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
    FunnelInsightsController,
    BehaviourInsightsController,
    FlowInsightsController,
    GroupsInsightsController,
  ],
  providers: [
    WebInsightsService,
    EventsInsightsService,
    ProfilesInsightsService,
    FunnelInsightsService,
    BehaviourInsightsService,
    FlowInsightsService,
    GroupsInsightsService,
  ],
})
export class InsightsModule {}
