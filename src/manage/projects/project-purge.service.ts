import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ClickhouseService } from '@app/clickhouse';
import { ProjectStore } from '@app/database';

/** How often each API node looks for projects whose grace period has ended. */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Removes projects whose `deleteAt` has passed: first their rows in ClickHouse, then the
 * PostgreSQL row, whose foreign keys cascade to clients, references, profiles and event
 * meta. ClickHouse goes first so that a failure leaves the project to be purged again on
 * the next run rather than orphaned events a future project with the same slug would see.
 * Several nodes may purge at once: both steps are idempotent.
 */
@Injectable()
export class ProjectPurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ProjectPurge');
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;

  constructor(
    private readonly projects: ProjectStore,
    private readonly clickhouse: ClickhouseService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.purgeDue().catch((e: Error) => this.logger.error(`purge failed: ${e.message}`)),
      PURGE_INTERVAL_MS,
    );
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Purges every project due at `now`; returns their ids. */
  purgeDue(now: Date = new Date()): Promise<string[]> {
    this.running ??= this.purge(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purge(now: Date): Promise<string[]> {
    const purged: string[] = [];
    for (const id of await this.projects.dueForPurge(now)) {
      await this.clickhouse.deleteProjectRows(id);
      if (await this.projects.deleteIfDue(id, now)) {
        purged.push(id);
        this.logger.log(`purged project ${id}`);
      }
    }
    return purged;
  }
}
