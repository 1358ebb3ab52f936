import { Injectable } from '@nestjs/common';
import { decodeEventCursor, splitEventPage } from '@app/analytics';
import { type AuditEntryEntity, type AuditFilter, AuditStore } from '@app/database';
import { DEFAULT_AUDIT_PAGE_SIZE } from './dto/audit.query.dto';

export interface AuditPageQuery extends AuditFilter {
  limit?: number;
  cursor?: string;
}

/**
 * The organisation's audit log, newest first, by keyset pages. The cursor is the export's
 * (base64url of the last row's time and id), so a bad one is the same 400.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditStore) {}

  async page(organizationId: string, query: AuditPageQuery): Promise<{ rows: AuditEntryEntity[]; cursor: string | null }> {
    const limit = query.limit ?? DEFAULT_AUDIT_PAGE_SIZE;
    const after = query.cursor === undefined ? undefined : decodeEventCursor(query.cursor);
    const filter = { projectId: query.projectId, action: query.action };
    const rows = await this.audit.page(organizationId, filter, limit + 1, after && { time: after.createdAt, id: after.id });
    const page = splitEventPage(
      rows.map((row) => ({ row, id: row.id, createdAt: row.time.toISOString() })),
      limit,
      null,
    );
    return { rows: page.rows.map((r) => r.row), cursor: page.nextCursor };
  }
}
