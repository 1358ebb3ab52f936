import { type Path } from '../errors';
import { compileFilter, type CompiledFilter } from '../filters';
import type { ParamBag } from '../params';
import { type SessionColumn } from '../sessions-sql';
import { checkDatabase, DATETIME_PARAM, dateTimeParam } from '../source';
import type { DateRange, Filter } from '../types';
import { PAGE_FIELDS, resolveSessionField } from './session-fields';

/** What every insights statement is about: one project, a window, and maybe filters. */
export interface InsightScope {
  projectId: string;
  /** IANA zone of the project: buckets and calendar days are its. */
  timezone: string;
  range: DateRange;
  filters?: Filter[];
}

export function scopeParams(bag: ParamBag, scope: InsightScope): { project: string; start: string; end: string } {
  return {
    project: bag.named('projectId', scope.projectId, 'String'),
    start: bag.named('start', dateTimeParam(scope.range.start), DATETIME_PARAM),
    end: bag.named('end', dateTimeParam(scope.range.end), DATETIME_PARAM),
  };
}

/**
 * The predicates on raw rows of `sessions` (aliased `s`) that select the scope: the project,
 * sessions starting in the window, and the filters. Column filters may be applied to raw rows:
 * a cancel row carries the values of the row it cancels, so both are kept or both dropped.
 * Page filters (`path`, `origin`) keep the sessions during which some event of a matching page
 * happened (see pageSessionsSql).
 */
export function sessionRowsWhere(database: string, bag: ParamBag, scope: InsightScope): string[] {
  const db = checkDatabase(database);
  const { project, start, end } = scopeParams(bag, scope);
  const where = [`s.project_id = ${project}`, `s.created_at >= ${start}`, `s.created_at < ${end}`];
  const pages: CompiledFilter[] = [];
  (scope.filters ?? []).forEach((f, i) => {
    const path: Path = ['filters', i];
    if (PAGE_FIELDS.includes(f.name)) {
      const c = compileFilter(f, bag, path);
      if (c) pages.push(c);
      return;
    }
    const c = compileFilter(f, bag, path, resolveSessionField);
    if (c) where.push(`(${c.sql})`);
  });
  if (pages.length > 0) where.push(`s.id IN (${pageSessionsSql(db, bag, scope, pages.map((p) => `(${p.sql})`).join(' AND '))})`);
  return where;
}

/**
 * The sessions of the scope as they stand now, one row per session with `columns`, aliased
 * `s`. The table keeps every version of a session with a cancel row (sign -1) that repeats the
 * old version exactly, until a merge removes both. A row of a session that has no cancel row in
 * the scope is its current state (the builder cancels a version whenever it writes the next,
 * and the cancel row shares its sort key, so the two are in or out of a window together); only
 * the few sessions with cancel rows are collapsed, by grouping on id with `sum(sign) > 0` and
 * taking the latest version. This reads far less than collapsing every session (bench/README).
 */
export function currentSessionsSql(database: string, bag: ParamBag, scope: InsightScope, columns: readonly SessionColumn[]): string {
  return currentOf(checkDatabase(database), sessionRowsWhere(database, bag, scope), columns);
}

/**
 * Additive figures of the scope's sessions without collapsing them: a cancel row repeats the
 * row it cancels, so `sum(sign * x)` over raw rows (`netSum('screen_view_count')`) is the sum
 * over current sessions, and `sum(sign)` their number, whatever the table's merge state.
 */
export function netSum(column: SessionColumn | '1'): string {
  return column === '1' ? 'sum(s.sign)' : `sum(s.sign * s.${column})`;
}

/** The current state of the sessions whose raw rows match `where` (see currentSessionsSql). */
export function currentOf(db: string, where: string[], columns: readonly SessionColumn[]): string {
  const rest = columns.filter((c) => c !== 'id');
  const cancelled = `SELECT s.id FROM ${db}.sessions AS s WHERE ${[...where, 's.sign = -1'].join(' AND ')}`;
  const plain =
    `SELECT ${['s.id AS id', ...rest.map((c) => `s.${c} AS ${c}`)].join(', ')} FROM ${db}.sessions AS s ` +
    `WHERE ${[...where, 's.sign = 1', `s.id NOT IN (${cancelled})`].join(' AND ')}`;
  const picked = rest.length > 0 ? `, argMax(tuple(${rest.map((c) => `s.${c}`).join(', ')}), s.version) AS st` : '';
  const grouped =
    `SELECT s.id AS id${picked} FROM ${db}.sessions AS s WHERE ${[...where, `s.id IN (${cancelled})`].join(' AND ')} ` +
    `GROUP BY s.id HAVING sum(s.sign) > 0`;
  const outer = rest.map((c, i) => `tupleElement(st, ${i + 1}) AS ${c}`);
  return `(${plain} UNION ALL SELECT ${['id', ...outer].join(', ')} FROM (${grouped}))`;
}

/**
 * Ids of the scope's sessions during which an event matching `predicate` (on `e.`) happened.
 * An event's session is its device's latest session starting at or before it, if the event
 * falls before that session's end: the ASOF join finds it, so backdated and imported events,
 * whose stored session id may be empty or superseded by a merge, count in the right session.
 */
export function pageSessionsSql(db: string, bag: ParamBag, scope: InsightScope, predicate: string): string {
  const { project, start, end } = scopeParams(bag, scope);
  const sessions = currentOf(
    db,
    [`s.project_id = ${project}`, `s.created_at >= ${start}`, `s.created_at < ${end}`],
    ['id', 'device_id', 'created_at', 'ended_at'],
  );
  const events =
    `SELECT e.device_id AS device_id, e.created_at AS at FROM ${db}.events AS e ` +
    `WHERE e.project_id = ${project} AND e.created_at >= ${start} AND e.device_id != '' AND ${predicate}`;
  return (
    `SELECT DISTINCT m.id FROM (${events}) AS v ASOF INNER JOIN ${sessions} AS m ` +
    `ON v.device_id = m.device_id AND v.at >= m.created_at WHERE v.at <= m.ended_at`
  );
}
