import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline';
import { ImportController } from './import.controller';
import { ImportHttpSetup } from './import-http.setup';

@Module({
  imports: [PipelineModule],
  controllers: [ImportController],
  providers: [ImportHttpSetup],
})
export class ImportModule {}
