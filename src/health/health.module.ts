import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { LifecycleService } from './lifecycle.service';

@Module({ controllers: [HealthController], providers: [LifecycleService, HealthService] })
export class HealthModule {}
