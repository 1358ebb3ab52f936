import { Injectable } from '@nestjs/common';
import { ClickhouseService, fromClickhouseDateTime } from '@app/clickhouse';

interface Row {
  id: string;
  name: string;
  device_id: string;
  profile_id: string;
  project_id: string;
  session_id: string;
  properties: Record<string, string>;
  created_at: string;
  path: string;
  origin: string;
}

/**
 * First slice of the events export (issue 3 builds the full query): newest first, ties by
 * id, and the total from the same predicate as the page.
 */
@Injectable()
export class ExportEventsService {
  constructor(private readonly clickhouse: ClickhouseService) {}

  async list(projectId: string, page: number, limit: number) {
    const table = this.clickhouse.table('events');
    const params = { projectId, limit, offset: (page - 1) * limit };
    const where = 'project_id = {projectId:String}';
    const [rows, total] = await Promise.all([
      this.clickhouse.client
        .query({
          query: `SELECT id, name, device_id, profile_id, project_id, session_id, properties, created_at, path, origin
                    FROM ${table} WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
          query_params: params,
          format: 'JSONEachRow',
        })
        .then((r) => r.json<Row>()),
      this.clickhouse.client
        .query({ query: `SELECT count() AS c FROM ${table} WHERE ${where}`, query_params: params, format: 'JSONEachRow' })
        .then((r) => r.json<{ c: string }>()),
    ]);
    const totalCount = Number(total[0]?.c ?? 0);
    return {
      meta: { count: rows.length, totalCount, pages: Math.ceil(totalCount / limit), current: page },
      data: rows.map((r) => ({
        id: r.id,
        name: r.name,
        deviceId: r.device_id,
        profileId: r.profile_id,
        projectId: r.project_id,
        sessionId: r.session_id,
        properties: r.properties,
        createdAt: fromClickhouseDateTime(r.created_at).toISOString(),
        path: r.path,
        origin: r.origin,
      })),
    };
  }
}
