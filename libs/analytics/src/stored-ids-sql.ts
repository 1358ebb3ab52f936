import { isUuid } from '@app/common';
import { checkDatabase, DATETIME_PARAM, dateTimeParam } from './source';
import type { SqlStatement } from './types';

/**
 * Which of `ids` a project already stores, among events from `from` to `to` (the span of the
 * rows asked about, so the primary key bounds what is read). The ids travel as one
 * `Array(UUID)` parameter, in ClickHouse's text form; anything but a UUID is refused here.
 */
export function buildStoredEventIdsSql(projectId: string, ids: readonly string[], from: Date, to: Date, database: string): SqlStatement {
  for (const id of ids) if (!isUuid(id)) throw new Error(`not a UUID: ${JSON.stringify(id)}`);
  return {
    sql:
      `SELECT DISTINCT toString(id) AS stored_id FROM ${checkDatabase(database)}.events ` +
      `WHERE project_id = {projectId:String} AND created_at >= {from:${DATETIME_PARAM}} AND created_at <= {to:${DATETIME_PARAM}} ` +
      `AND id IN {ids:Array(UUID)}`,
    params: { projectId, from: dateTimeParam(from), to: dateTimeParam(to), ids: `[${ids.map((id) => `'${id}'`).join(',')}]` },
  };
}
