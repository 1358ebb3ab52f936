import { type DynamicModule, Module } from '@nestjs/common';
import { ClickhouseModule } from '@app/clickhouse';
import { DatabaseModule } from '@app/database';
import { AuthModule } from './auth';
import { CaptureModule } from './capture/capture.module';
import { type AppConfig, ConfigModule, databaseLocation } from './config';
import { HealthModule } from './health/health.module';
import { ImportModule } from './import/import.module';
import { PipelineModule } from './pipeline';
import { ExportModule } from './export/export.module';
import { InsightsModule } from './insights/insights.module';
import { ManageModule } from './manage/manage.module';
import { MetricsModule } from './metrics/metrics.module';
import { SessionsModule } from './sessions';
import { TrackModule } from './track/track.module';

/**
 * The application. Global gate order (declared in AuthModule): ClientAuthGuard first, then
 * the rate-limit guard, so limits are keyed by the client the guard identified.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        DatabaseModule.forRoot({ ...databaseLocation(config), poolSize: config.databasePoolSize }),
        ClickhouseModule.forRoot({
          url: config.clickhouseUrl,
          path: config.chdbPath,
          database: config.clickhouseDatabase,
          cluster: config.clickhouseCluster,
        }),
        AuthModule,
        HealthModule,
        PipelineModule,
        TrackModule,
        CaptureModule,
        ExportModule,
        InsightsModule,
        ImportModule,
        ManageModule,
        MetricsModule,
        SessionsModule,
      ],
    };
  }
}
