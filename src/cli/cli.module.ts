import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { AuthInvalidationBus } from '../auth/auth-invalidation';
import { ClientsService } from '../auth/clients.service';
import { type AppConfig, ConfigModule, databaseLocation } from '../config';

/** Only what the command line needs: PostgreSQL and the clients service (no HTTP, no ClickHouse). */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.register(config), DatabaseModule.forRoot({ ...databaseLocation(config), poolSize: 2, attach: true })],
      // A new client is in no node's cache (ids are generated), so the command announces nothing
      // and opens no Redis connection.
      providers: [ClientsService, { provide: AuthInvalidationBus, useValue: new AuthInvalidationBus() }],
    };
  }
}
