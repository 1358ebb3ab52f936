import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config';
import { ClientAuthGuard } from './client-auth.guard';
import { ClientsService } from './clients.service';
import { ProjectAccessService } from './project-access.service';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStore } from './rate-limit.store';
import { RootClientBootstrap } from './root-client.bootstrap';

/**
 * Order of the gate: global guards run in the order they are provided here. ClientAuthGuard
 * (who is calling, which mode) comes first, so the rate limiter always keys on the client
 * it found.
 */
@Global()
@Module({
  providers: [
    ClientsService,
    ProjectAccessService,
    RootClientBootstrap,
    { provide: RateLimitStore, useFactory: (config: AppConfig) => new RateLimitStore(config.redisUrl), inject: [APP_CONFIG] },
    { provide: APP_GUARD, useClass: ClientAuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [ClientsService, ProjectAccessService, RateLimitStore],
})
export class AuthModule {}
