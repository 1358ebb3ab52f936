import { type DdlTarget, renderDdl } from './ddl';

/**
 * The statements of a project's retention pass (ProjectRetentionService). Parameters:
 * `{projectId:String}` and `{cutoff:DateTime64(3, 'UTC')}`; events strictly before the cutoff go.
 *
 * Why a scheduled delete and not a ClickHouse TTL: a project's retention is set, lengthened and
 * shortened at any time, while a table TTL is one expression for every project. A per-project
 * TTL would need the retention in each row (and rewriting every row of a project when it
 * changes), and a TTL is applied when the engine merges parts, which the embedded engine does
 * when it likes: expired rows would stay readable for an unbounded time. A delete names the
 * project and the cutoff, runs when the retention changes, and is done when it returns.
 */
export interface RetentionStatements {
  /** Rows each delete would remove: the pass issues only the mutations that have work. */
  counts: string;
  events: string[];
  /**
   * Session rows that ended before the cutoff. A row and its cancel row (which copies the
   * state it cancels) have the same `ended_at`, so pairs go together and the collapsing
   * arithmetic of what remains stays right.
   */
  sessions: string[];
  /** Builder markers wholly before the cutoff: they only name events that are gone. */
  markers: string[];
  /**
   * Markers for the devices of live sessions that straddle the cutoff, so the session builder
   * recomputes them from the events that remain (their start, counts and entry page change).
   */
  straddlers: string;
}

const PROJECT = 'project_id = {projectId:String}';
const CUTOFF = "{cutoff:DateTime64(3, 'UTC')}";

export function buildRetentionStatements(target: DdlTarget): RetentionStatements {
  const [db] = renderDdl('{{db}}', target);
  const del = (table: string, column: string) =>
    renderDdl(`ALTER TABLE {{db}}.{{local:${table}}} {{on_cluster}} DELETE WHERE ${PROJECT} AND ${column} < ${CUTOFF}`, target);
  return {
    counts:
      `SELECT (SELECT count() FROM ${db}.events WHERE ${PROJECT} AND created_at < ${CUTOFF}) AS events, ` +
      `(SELECT count() FROM ${db}.sessions WHERE ${PROJECT} AND ended_at < ${CUTOFF}) AS sessions, ` +
      `(SELECT count() FROM ${db}.session_dirty WHERE ${PROJECT} AND last_at < ${CUTOFF}) AS markers`,
    events: del('events', 'created_at'),
    sessions: del('sessions', 'ended_at'),
    markers: del('session_dirty', 'last_at'),
    straddlers:
      `INSERT INTO ${db}.session_dirty (project_id, device_id, first_at, last_at, inserted_at) ` +
      `SELECT project_id, device_id, ${CUTOFF}, ${CUTOFF}, now64(3) FROM (` +
      `SELECT project_id, device_id, id FROM ${db}.sessions WHERE ${PROJECT} AND created_at < ${CUTOFF} AND ended_at >= ${CUTOFF} ` +
      `GROUP BY project_id, device_id, id HAVING sum(sign) > 0) GROUP BY project_id, device_id`,
  };
}
