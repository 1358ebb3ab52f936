import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions';
import { ClientsController } from './clients/clients.controller';
import { ManageClientsService } from './clients/manage-clients.service';
import { ErasuresModule } from './erasures/erasures.module';
import { EventMetaController } from './event-meta/event-meta.controller';
import { EventMetaService } from './event-meta/event-meta.service';
import { ProjectEventCountsService } from './projects/project-event-counts.service';
import { ProjectPurgeService } from './projects/project-purge.service';
import { ProjectRetentionService } from './projects/project-retention.service';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';
import { ReferencesController } from './references/references.controller';
import { ReferencesService } from './references/references.service';

@Module({
  imports: [SessionsModule, ErasuresModule],
  controllers: [ProjectsController, ClientsController, ReferencesController, EventMetaController, AuditController],
  providers: [
    ProjectsService,
    ProjectEventCountsService,
    ProjectPurgeService,
    ProjectRetentionService,
    ManageClientsService,
    ReferencesService,
    EventMetaService,
    AuditService,
  ],
})
export class ManageModule {}
