import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuthInvalidationBus } from './auth-invalidation';
import { BrowserCorsSetup } from './browser-cors.setup';
import { ClientAuthGuard } from './client-auth.guard';
import { ClientsService } from './clients.service';
import { ProjectAccessService } from './project-access.service';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { RateLimitStore } from './rate-limit.store';
import { RootClientBootstrap } from './root-client.bootstrap';

/**
 * The gate: ClientAuthGuard is the one global guard (who is calling, which mode, and the
 * ingestion budget). Named limits are RateLimitInterceptor, attached by @RateLimit; Nest runs
 * interceptors after guards, so the limiter always keys on the client the guard found.
 */
@Global()
@Module({
  providers: [
    ClientsService,
    ProjectAccessService,
    RootClientBootstrap,
    RateLimitInterceptor,
    BrowserCorsSetup,
    { provide: RateLimitStore, useFactory: (config: AppConfig) => new RateLimitStore(config.redisUrl), inject: [APP_CONFIG] },
    { provide: AuthInvalidationBus, useFactory: (config: AppConfig) => new AuthInvalidationBus(config.redisUrl), inject: [APP_CONFIG] },
    { provide: APP_GUARD, useClass: ClientAuthGuard },
  ],
  exports: [ClientsService, ProjectAccessService, RateLimitStore, RateLimitInterceptor],
})
export class AuthModule {}
