import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditAction, AuditEntryEntity, type AuditTargetType } from './entities';

/** One audit row to write: who (null for the command line), what, on which target, which fields. */
export interface AuditRecord {
  organizationId: string;
  clientId: string | null;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  projectId?: string | null;
  /** Names of the fields that changed (for a creation, those set); never their values. */
  changes?: string[];
}

export interface AuditFilter {
  projectId?: string;
  action?: AuditAction;
}

/** Where a page starts: the last row of the previous one (exclusive). */
export interface AuditPosition {
  time: Date;
  id: string;
}

/** The fields of `changes` whose value differs from `before`'s (what an update's audit row names). */
export function changedFields<T extends object>(before: T, changes: Partial<T>): string[] {
  return (Object.keys(changes) as (keyof T & string)[]).filter(
    (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(changes[k] ?? null),
  );
}

/**
 * The one reader and writer of `audit_log`. A change and its audit row commit together: the
 * caller passes the EntityManager of the transaction making the change, and a failed audit
 * insert rolls the change back.
 */
@Injectable()
export class AuditStore {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(AuditEntryEntity, {
      organizationId: entry.organizationId,
      clientId: entry.clientId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      projectId: entry.projectId ?? null,
      changes: entry.changes ?? [],
    });
  }

  /** The organisation's rows newest first, `limit` of them after `after`. */
  page(organizationId: string, filter: AuditFilter, limit: number, after?: AuditPosition): Promise<AuditEntryEntity[]> {
    const query = this.dataSource
      .getRepository(AuditEntryEntity)
      .createQueryBuilder('a')
      .where('a.organizationId = :organizationId', { organizationId })
      .orderBy('a.time', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit);
    if (filter.projectId !== undefined) query.andWhere('a.projectId = :projectId', { projectId: filter.projectId });
    if (filter.action !== undefined) query.andWhere('a.action = :action', { action: filter.action });
    if (after) {
      query.andWhere('(a.time, a.id) < (CAST(:afterTime AS timestamptz), CAST(:afterId AS uuid))', {
        afterTime: after.time.toISOString(),
        afterId: after.id,
      });
    }
    return query.getMany();
  }
}
