import { Module } from '@nestjs/common';
import { ClientsController } from './clients/clients.controller';
import { ManageClientsService } from './clients/manage-clients.service';
import { ErasuresModule } from './erasures/erasures.module';
import { EventMetaController } from './event-meta/event-meta.controller';
import { EventMetaService } from './event-meta/event-meta.service';
import { ProjectEventCountsService } from './projects/project-event-counts.service';
import { ProjectPurgeService } from './projects/project-purge.service';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';
import { ReferencesController } from './references/references.controller';
import { ReferencesService } from './references/references.service';

@Module({
  imports: [ErasuresModule],
  controllers: [ProjectsController, ClientsController, ReferencesController, EventMetaController],
  providers: [ProjectsService, ProjectEventCountsService, ProjectPurgeService, ManageClientsService, ReferencesService, EventMetaService],
})
export class ManageModule {}
