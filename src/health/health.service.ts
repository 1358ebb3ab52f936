import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClickhouseService } from '@app/clickhouse';
import { APP_CONFIG, type AppConfig } from '../config';
import { RateLimitStore } from '../auth/rate-limit.store';
import type { DependencyCheckDto, HealthcheckResponseDto } from './health-status.response.dto';

const CHECK_TIMEOUT_MS = 2000;

async function timed(check: () => Promise<unknown>, mode?: string): Promise<DependencyCheckDto> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const ok = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    const latencyMs = Math.round(performance.now() - started);
    return ok === false ? { status: 'error', latencyMs, error: 'check failed', mode } : { status: 'ok', latencyMs, mode };
  } catch (e) {
    return { status: 'error', latencyMs: Math.round(performance.now() - started), error: (e as Error).message, mode };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clickhouse: ClickhouseService,
    private readonly rateLimits: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(): Promise<HealthcheckResponseDto> {
    const checks: Record<string, DependencyCheckDto> = {};
    const [postgres, clickhouse] = await Promise.all([
      timed(() => this.dataSource.query('SELECT 1'), this.config.databaseUrl ? 'server' : 'embedded'),
      timed(() => this.clickhouse.ping(), this.clickhouse.embedded ? 'embedded' : 'server'),
    ]);
    checks.postgres = postgres;
    checks.clickhouse = clickhouse;
    if (this.config.redisUrl) checks.redis = await timed(() => this.rateLimits.redisStatus(), 'server');
    const status = Object.values(checks).every((c) => c.status === 'ok') ? 'ok' : 'error';
    return { status, checks };
  }
}
