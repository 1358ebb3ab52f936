import { bucketSql } from './buckets';
import { type ChartPlan, planChart, PROPERTY_SEGMENTS } from './chart-plan';
import { compileFilters } from './filters';
import { numberOf, resolveField, textOf } from './fields';
import { ParamBag } from './params';
import { isSessionEventName, sessionEventsSource } from './session-events';
import { CHART_QUERY_SETTINGS, settingsClause } from './settings';
import { ACTOR_SQL, DATETIME_PARAM, dateTimeParam, fromClause } from './source';
import { type ChartQuery, type DateRange, type Period, type Segment, type SeriesDef, type SqlStatement } from './types';

/** One statement per series and period; its rows name both, so results can simply be concatenated. */
export interface ChartStatement extends SqlStatement {
  series: number;
  period: Period;
}

/** A row as every chart statement returns it (JSONEachRow). */
export interface ChartRow {
  series: number;
  period: Period;
  /** Unix seconds of the bucket's first instant. */
  bucket: number;
  /** One label per breakdown, '' when the event has no value. */
  breakdown: string[];
  value: number;
}

export interface ChartSqlOptions {
  /** ClickHouse database holding `events` and `profiles` (configuration, not request data). */
  database: string;
  /** The instant the named ranges count back from; pass the same one to shapeChartResponse. */
  now: Date;
}

/**
 * Compiles a chart request into parameterised statements: one per series, and one more per
 * series for the previous period when asked. Separate statements rather than one UNION keep
 * each small enough to reason about and let a server run them in parallel; they differ only in
 * the bound range, so the previous period is computed exactly like the current one.
 */
export function buildChartSql(query: ChartQuery, options: ChartSqlOptions): ChartStatement[] {
  const plan = planChart(query, options.now);
  const out: ChartStatement[] = [];
  plan.query.events.forEach((def, index) => {
    const { inner, params } = seriesQuery(plan, def, index, options.database);
    const periods: [Period, DateRange][] = [['current', plan.range]];
    if (plan.query.previous) periods.push(['previous', plan.range.previous]);
    for (const [period, range] of periods) {
      out.push({
        series: index,
        period,
        // `index` and `period` are ours (an integer and a literal of a closed set), not input.
        sql: `SELECT toUInt16(${index}) AS series, '${period}' AS period, bucket, breakdown, toFloat64(value) AS value FROM (${inner}) ORDER BY bucket, breakdown ${settingsClause(CHART_QUERY_SETTINGS)}`,
        params: { ...params, start: dateTimeParam(range.start), end: dateTimeParam(range.end) },
      });
    }
  });
  return out;
}

function aggregate(segment: Segment, valueSql: string): string {
  switch (segment) {
    case 'event':
    case 'one_event_per_user':
      return 'count()';
    case 'user':
      return `uniqExact(${ACTOR_SQL})`;
    case 'session':
      return "uniqExactIf(e.session_id, e.session_id != '')";
    case 'user_average':
      return `count() / uniqExact(${ACTOR_SQL})`;
    case 'property_sum':
      return `sum(assumeNotNull(${valueSql}))`;
    case 'property_average':
      return `avg(assumeNotNull(${valueSql}))`;
    case 'property_min':
      return `min(assumeNotNull(${valueSql}))`;
    case 'property_max':
      return `max(assumeNotNull(${valueSql}))`;
    default: {
      const unknown: never = segment;
      throw new Error(`unknown segment ${String(unknown)}`);
    }
  }
}

function seriesQuery(plan: ChartPlan, def: SeriesDef, index: number, database: string): { inner: string; params: Record<string, string> } {
  const bag = new ParamBag();
  const where = [`e.project_id = ${bag.named('projectId', plan.query.projectId, 'String')}`];
  where.push(`e.created_at >= {start:${DATETIME_PARAM}}`, `e.created_at < {end:${DATETIME_PARAM}}`);
  if (def.name !== '*') where.push(`e.name = ${bag.value(def.name)}`);
  let profile = false;

  const filters = compileFilters(def.filters, bag, ['events', index, 'filters']);
  if (filters) {
    where.push(filters.sql);
    profile ||= filters.profile;
  }

  let valueSql = '';
  if (PROPERTY_SEGMENTS.includes(def.segment)) {
    const field = resolveField(def.property, bag, ['events', index, 'property']);
    profile ||= field.profile;
    valueSql = numberOf(field);
    // Rows whose property is missing or not a finite number take no part in the aggregate.
    where.push(`isFinite(${valueSql})`);
  }

  const breakdowns = plan.query.breakdowns.map((b, i) => {
    const field = resolveField(b?.name, bag, ['breakdowns', i, 'name']);
    profile ||= field.profile;
    return textOf(field);
  });
  const keys = breakdowns.map((_, i) => `b${i}`);
  const bucket = bucketSql(plan.query.interval, 'e.created_at', bag.named('tz', plan.timezone, 'String'));
  // session_start and session_end are answered from the sessions, not from stored events.
  const from = fromClause(database, profile, isSessionEventName(def.name) ? sessionEventsSource(database, def.name) : undefined);
  const groupBy = ['bucket', ...keys].join(', ');
  const selectKeys = breakdowns.map((sql, i) => `, ${sql} AS b${i}`).join('');

  let grouped: string;
  if (def.segment === 'one_event_per_user') {
    // Each actor counts once over the whole range, in the bucket (and breakdown) of their
    // first matching event; ties on the timestamp fall to the smaller id, so it is stable.
    grouped =
      `SELECT ${groupBy}, count() AS value FROM (SELECT ${bucket} AS bucket${selectKeys}, ${ACTOR_SQL} AS actor ${from} ` +
      `WHERE ${where.join(' AND ')} ORDER BY actor, e.created_at, toString(e.id) LIMIT 1 BY actor) GROUP BY ${groupBy}`;
  } else {
    grouped = `SELECT ${bucket} AS bucket${selectKeys}, ${aggregate(def.segment, valueSql)} AS value ${from} WHERE ${where.join(' AND ')} GROUP BY ${groupBy}`;
  }

  const breakdownArray = keys.length > 0 ? `[${keys.join(', ')}]` : "CAST([], 'Array(String)')";
  if (keys.length === 0) return { inner: `SELECT bucket, ${breakdownArray} AS breakdown, value FROM (${grouped})`, params: bag.params };

  // Only the largest groups come back (ranked by the sum of their bucket values), as many as
  // the plan allows, so neither a high-cardinality field such as path nor many series of many
  // buckets can make an answer larger than CHART_LIMITS.maxValues.
  const keyList = keys.join(', ');
  const ranked =
    `SELECT bucket, ${keyList}, value, dense_rank() OVER (ORDER BY group_total DESC, ${keyList}) AS group_rank ` +
    `FROM (SELECT bucket, ${keyList}, value, sum(value) OVER (PARTITION BY ${keyList}) AS group_total FROM (${grouped}))`;
  return {
    inner: `SELECT bucket, ${breakdownArray} AS breakdown, value FROM (${ranked}) WHERE group_rank <= ${plan.groupsPerSeries}`,
    params: bag.params,
  };
}
