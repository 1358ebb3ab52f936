import { invalid } from '../errors';
import { compileFilters } from '../filters';
import { ParamBag } from '../params';
import { settingsClause } from '../settings';
import { checkDatabase, DATETIME_PARAM, dateTimeParam, EVENT_ORDER_SQL, fromClause } from '../source';
import type { SqlStatement } from '../types';
import { type InsightScope, scopeParams } from './session-source';
import { INSIGHT_SETTINGS, type ListPage, pageClause } from './web-sql';

/**
 * OpenPanel's events columns, by its names, as the insights list prints them: instants as the
 * engine writes DateTime64(3) in UTC (`YYYY-MM-DD HH:mm:ss.SSS`), numbers as numbers. Every
 * column of its list exists in our table (ours also has `country_code`, left out here).
 */
const INSIGHT_EVENT_COLUMNS: [string, string][] = [
  ['id', 'toString(e.id)'],
  ['name', 'e.name'],
  ['sdk_name', 'e.sdk_name'],
  ['sdk_version', 'e.sdk_version'],
  ['device_id', 'e.device_id'],
  ['profile_id', 'e.profile_id'],
  ['project_id', 'e.project_id'],
  ['session_id', 'e.session_id'],
  ['groups', 'e.groups'],
  ['path', 'e.path'],
  ['origin', 'e.origin'],
  ['referrer', 'e.referrer'],
  ['referrer_name', 'e.referrer_name'],
  ['referrer_type', 'e.referrer_type'],
  ['revenue', 'toFloat64(e.revenue)'],
  ['duration', 'toFloat64(e.duration)'],
  ['properties', 'e.properties'],
  ['created_at', 'toString(e.created_at)'],
  ['country', 'e.country'],
  ['city', 'e.city'],
  ['region', 'e.region'],
  ['longitude', 'e.longitude'],
  ['latitude', 'e.latitude'],
  ['os', 'e.os'],
  ['os_version', 'e.os_version'],
  ['browser', 'e.browser'],
  ['browser_version', 'e.browser_version'],
  ['device', 'e.device'],
  ['brand', 'e.brand'],
  ['model', 'e.model'],
  ['imported_at', 'toString(e.imported_at)'],
];

/** The fields of an insights event row, in column order. */
export const INSIGHT_EVENT_FIELDS: readonly string[] = INSIGHT_EVENT_COLUMNS.map(([alias]) => alias);

/** The event columns `/events` compares for equality, each named by one query parameter. */
export const INSIGHT_EVENT_EQUALITY_COLUMNS = [
  'path',
  'country',
  'city',
  'device',
  'browser',
  'os',
  'referrer',
  'referrer_name',
  'referrer_type',
  'profile_id',
] as const;
export type InsightEventEqualityColumn = (typeof INSIGHT_EVENT_EQUALITY_COLUMNS)[number];

/** Keys of the properties map that are bookkeeping, not properties a user sent (OpenPanel leaves them out too). */
export const HIDDEN_PROPERTY_KEYS = ['__duration_from', '__properties_from'] as const;

/** OpenPanel's fixed list of filterable event columns, as `events/properties` returns it. */
export const FILTERABLE_EVENT_COLUMNS = [
  'path',
  'origin',
  'referrer',
  'referrer_name',
  'referrer_type',
  'duration',
  'country',
  'city',
  'region',
  'os',
  'os_version',
  'browser',
  'browser_version',
  'device',
  'brand',
  'model',
  'sdk_name',
  'sdk_version',
  'profile_id',
  'session_id',
  'device_id',
  'revenue',
] as const;

export const EVENT_NAMES_LIMIT = 50;
export const EVENT_PROPERTIES_LIMIT = 500;
export const PROPERTY_VALUES_LIMIT = 200;
/**
 * How far back `events/properties` looks: the keys seen in the last 30 days. The scan reads the
 * properties map of every event in it; on the embedded engine (2 vCPUs, loaded) 10M events over
 * a year took 3.2 s for the whole year and 0.29 s for its last 30 days, so the whole history
 * of a large project would run into the 30 s statement cap.
 */
export const PROPERTY_KEYS_WINDOW_DAYS = 30;

export interface InsightEventsQuery {
  scope: InsightScope;
  eventNames?: string[];
  equals?: Partial<Record<InsightEventEqualityColumn, string>>;
  /** `properties[key] = value`, every pair. */
  properties?: Record<string, string>;
  page: ListPage;
}

const EQUALITY = new Set<string>(INSIGHT_EVENT_EQUALITY_COLUMNS);

/**
 * Events of the scope, newest first with ties by id, so pages never overlap: the window,
 * names, column equalities, property equalities and the chart engine's filters, all ANDed.
 */
export function buildInsightEventsSql(database: string, q: InsightEventsQuery): SqlStatement {
  const bag = new ParamBag();
  const { project, start, end } = scopeParams(bag, q.scope);
  const where = [`e.project_id = ${project}`, `e.created_at >= ${start}`, `e.created_at < ${end}`];
  const names = q.eventNames ?? [];
  if (names.length > 0) where.push(`e.name IN (${names.map((n) => bag.value(n)).join(', ')})`);
  for (const [column, value] of Object.entries(q.equals ?? {})) {
    if (!EQUALITY.has(column)) throw new Error(`not an equality column: ${column}`);
    if (value !== undefined) where.push(`e.${column} = ${bag.value(value)}`);
  }
  for (const [key, value] of Object.entries(q.properties ?? {})) {
    if (typeof value !== 'string') throw invalid(['properties', key], 'Expected a string');
    where.push(`e.properties[${bag.key(key)}] = ${bag.value(value)}`);
  }
  const filters = compileFilters(q.scope.filters, bag, ['filters']);
  if (filters) where.push(filters.sql);
  const select = INSIGHT_EVENT_COLUMNS.map(([alias, sql]) => `${sql} AS ${alias}`).join(', ');
  return {
    sql:
      `SELECT ${select} ${fromClause(database, filters?.profile ?? false)} WHERE ${where.join(' AND ')} ` +
      `ORDER BY ${EVENT_ORDER_SQL} ${pageClause(bag, q.page)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** The project's most frequent event names over its whole history, exact counts, ties by name. */
export function buildEventNamesSql(database: string, projectId: string): SqlStatement {
  const bag = new ParamBag();
  const project = bag.named('projectId', projectId, 'String');
  return {
    sql:
      `SELECT name FROM (SELECT e.name AS name, count() AS events FROM ${checkDatabase(database)}.events AS e ` +
      `WHERE e.project_id = ${project} GROUP BY name ORDER BY events DESC, name ASC LIMIT ${EVENT_NAMES_LIMIT}) ` +
      `${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** The non-hidden keys of an event's properties whose value is not empty. */
function visibleKeys(bag: ParamBag): string {
  const hidden = HIDDEN_PROPERTY_KEYS.map((k) => bag.value(k)).join(', ');
  return `arrayFilter((k, v) -> v != '' AND k NOT IN (${hidden}), mapKeys(e.properties), mapValues(e.properties))`;
}

/**
 * Distinct (property key, event name) pairs of the project's events since `since`, optionally
 * of one event name, by key then name.
 */
export function buildEventPropertiesSql(database: string, projectId: string, since: Date, eventName?: string): SqlStatement {
  const bag = new ParamBag();
  const where = [
    `e.project_id = ${bag.named('projectId', projectId, 'String')}`,
    `e.created_at >= ${bag.named('since', dateTimeParam(since), DATETIME_PARAM)}`,
  ];
  if (eventName !== undefined) where.push(`e.name = ${bag.value(eventName)}`);
  return {
    sql:
      `SELECT DISTINCT property_key, toString(e.name) AS event_name FROM ${checkDatabase(database)}.events AS e ` +
      `ARRAY JOIN ${visibleKeys(bag)} AS property_key WHERE ${where.join(' AND ')} ` +
      `ORDER BY property_key ASC, event_name ASC LIMIT ${EVENT_PROPERTIES_LIMIT} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/**
 * Distinct non-empty values of one property of one event name over the project's whole
 * history, the most recently seen first (ties by value); none for a bookkeeping key, which
 * `events/properties` does not list either.
 */
export function buildPropertyValuesSql(database: string, projectId: string, eventName: string, propertyKey: string): SqlStatement {
  const bag = new ParamBag();
  const key = bag.key(propertyKey);
  const value = `e.properties[${key}]`;
  const hidden = HIDDEN_PROPERTY_KEYS.map((k) => bag.value(k)).join(', ');
  return {
    sql:
      `SELECT value FROM (SELECT ${value} AS value, max(e.created_at) AS seen FROM ${checkDatabase(database)}.events AS e ` +
      `WHERE e.project_id = ${bag.named('projectId', projectId, 'String')} AND e.name = ${bag.value(eventName)} AND value != '' ` +
      `AND ${key} NOT IN (${hidden}) ` +
      `GROUP BY value ORDER BY seen DESC, value ASC LIMIT ${PROPERTY_VALUES_LIMIT}) ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}
