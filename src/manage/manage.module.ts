import { Module } from '@nestjs/common';
import { ClientsController } from './clients/clients.controller';
import { ManageClientsService } from './clients/manage-clients.service';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';

@Module({
  controllers: [ProjectsController, ClientsController],
  providers: [ProjectsService, ManageClientsService],
  exports: [ProjectsService],
})
export class ManageModule {}
