import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config';
import { ClientAuthGuard } from './client-auth.guard';
import { ClientsService } from './clients.service';
import { ProjectAccessService } from './project-access.service';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { RateLimitStore } from './rate-limit.store';
import { RootClientBootstrap } from './root-client.bootstrap';

/**
 * Order of the gate: the guard (who is calling, which mode) runs before any interceptor,
 * so the rate limiter always keys on the client the guard found.
 */
@Global()
@Module({
  providers: [
    ClientsService,
    ProjectAccessService,
    RootClientBootstrap,
    { provide: RateLimitStore, useFactory: (config: AppConfig) => new RateLimitStore(config.redisUrl), inject: [APP_CONFIG] },
    { provide: APP_GUARD, useClass: ClientAuthGuard },
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ],
  exports: [ClientsService, ProjectAccessService, RateLimitStore],
})
export class AuthModule {}
