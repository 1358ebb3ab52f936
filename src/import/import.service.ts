import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditStore } from '@app/database';
import type { AuthContext } from '../auth';
import { EventImporter, type ImportItem, type ImportSummary } from '../pipeline';

@Injectable()
export class ImportService {
  constructor(
    private readonly importer: EventImporter,
    private readonly audit: AuditStore,
  ) {}

  /**
   * Records the import in the audit log, then runs it. Events live in ClickHouse, which shares
   * no transaction with PostgreSQL: the row is written before the first event, so an import
   * that stops half-way is on record too.
   */
  async importEvents(
    auth: AuthContext,
    projectId: string,
    items: AsyncIterable<ImportItem> | Iterable<ImportItem>,
  ): Promise<ImportSummary> {
    await this.audit.record({
      organizationId: auth.client.organizationId,
      clientId: auth.client.id,
      action: 'import.run',
      targetType: 'import',
      targetId: randomUUID(),
      projectId,
      changes: ['events'],
    });
    return this.importer.import(projectId, items);
  }
}
