import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type ClickhouseOptions, ClickhouseService } from './clickhouse.service';

@Global()
@Module({})
export class ClickhouseModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(ClickhouseService) private readonly clickhouse: ClickhouseService) {}

  static forRoot(options: ClickhouseOptions): DynamicModule {
    return {
      module: ClickhouseModule,
      providers: [{ provide: ClickhouseService, useFactory: () => new ClickhouseService(options) }],
      exports: [ClickhouseService],
    };
  }

  /** Schema first: no request is served before the migrations have run. */
  async onModuleInit(): Promise<void> {
    await this.clickhouse.migrate();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.clickhouse.close();
  }
}
