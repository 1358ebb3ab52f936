import { ParamBag } from '../params';
import { SESSION_COLUMNS } from '../sessions-sql';
import { settingsClause } from '../settings';
import type { SqlStatement } from '../types';
import { currentSessionsSql, type InsightScope } from './session-source';
import { INSIGHT_SETTINGS, type ListPage, pageClause } from './web-sql';

/**
 * Sessions of the scope, newest first (ties by id), each once in its current version; the
 * columns of OpenPanel's sessions table, times as the engine prints them (UTC).
 */
export function buildSessionListSql(database: string, scope: InsightScope, page: ListPage): SqlStatement {
  const bag = new ParamBag();
  const sessions = currentSessionsSql(database, bag, scope, SESSION_COLUMNS);
  return {
    sql: `SELECT ${SESSION_COLUMNS.join(', ')} FROM ${sessions} AS s ORDER BY created_at DESC, id DESC ${pageClause(bag, page)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}
