import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClickhouseService, toClickhouseDateTime } from '@app/clickhouse';
import { ApiError } from '@app/common';

export interface TrackBody {
  type: string;
  payload: { name?: string; profileId?: string | number; groups?: string[]; properties?: Record<string, unknown> };
}

function header(req: FastifyRequest, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/**
 * First slice of ingestion (issue 7 builds the pipeline): `track` events are written to
 * ClickHouse and the answer waits for the insert, so a 200 means stored.
 */
@Injectable()
export class TrackService {
  constructor(private readonly clickhouse: ClickhouseService) {}

  async handle(req: FastifyRequest, body: TrackBody): Promise<{ deviceId: string; sessionId: string }> {
    if (body.type !== 'track') throw ApiError.badRequest(`Type "${body.type}" is not supported yet`, [{ path: ['type'], message: 'Only "track" is supported' }]);
    const auth = req.auth!;
    const properties: Record<string, string> = {};
    for (const [k, v] of Object.entries(body.payload.properties ?? {})) {
      if (v === null || v === undefined || v === '') continue;
      properties[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    await this.clickhouse.client.insert({
      table: this.clickhouse.table('events'),
      format: 'JSONEachRow',
      values: [
        {
          id: randomUUID(),
          name: body.payload.name,
          project_id: auth.client.projectId,
          profile_id: body.payload.profileId === undefined ? '' : String(body.payload.profileId),
          groups: body.payload.groups ?? [],
          properties,
          created_at: toClickhouseDateTime(new Date()),
          sdk_name: header(req, 'openpanel-sdk-name'),
          sdk_version: header(req, 'openpanel-sdk-version'),
        },
      ],
    });
    return { deviceId: '', sessionId: '' };
  }
}
