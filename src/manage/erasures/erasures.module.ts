import { Module } from '@nestjs/common';
import { PipelineModule } from '../../pipeline';
import { ErasureRunner } from './erasure-runner.service';
import { ErasuresController } from './erasures.controller';
import { ErasuresService } from './erasures.service';

/** `/manage/erasures` and the runner that does the work (issue 19 §2). */
@Module({
  imports: [PipelineModule],
  controllers: [ErasuresController],
  providers: [ErasuresService, ErasureRunner],
  exports: [ErasureRunner],
})
export class ErasuresModule {}
