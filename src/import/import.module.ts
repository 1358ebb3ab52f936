import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline';
import { ImportController } from './import.controller';
import { ImportHttpSetup } from './import-http.setup';
import { ImportService } from './import.service';

@Module({
  imports: [PipelineModule],
  controllers: [ImportController],
  providers: [ImportHttpSetup, ImportService],
})
export class ImportModule {}
