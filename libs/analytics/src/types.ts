/** The named ranges of the Export API, in the order the spec lists them. */
export const RANGE_NAMES = [
  '30min',
  'lastHour',
  'last24h',
  'today',
  'yesterday',
  '7d',
  '30d',
  '3m',
  '6m',
  '12m',
  'monthToDate',
  'lastMonth',
  'yearToDate',
  'lastYear',
] as const;
export type RangeName = (typeof RANGE_NAMES)[number];

/** A custom range as the query string carries it: `YYYY-MM-DD` or an ISO date-time, both ends inclusive. */
export interface CustomRange {
  startDate: string;
  endDate: string;
}

export type RangeInput = RangeName | CustomRange;

export const INTERVALS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export const SEGMENTS = [
  'event',
  'user',
  'session',
  'user_average',
  'one_event_per_user',
  'property_sum',
  'property_average',
  'property_min',
  'property_max',
] as const;
export type Segment = (typeof SEGMENTS)[number];

export const FILTER_OPERATORS = [
  'is',
  'isNot',
  'contains',
  'doesNotContain',
  'startsWith',
  'endsWith',
  'regex',
  'isNull',
  'isNotNull',
  'gt',
  'lt',
  'gte',
  'lte',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface Filter {
  /** A whitelisted column, `properties.<key>`, `profile.<field>` or `profile.properties.<key>`. */
  name: string;
  operator: FilterOperator;
  value: string[];
}

export interface SeriesDef {
  /** Reported as `event.id`; defaults to the series' index. */
  id?: string;
  /** An event name, or `*` for every event. */
  name: string;
  segment: Segment;
  /** The numeric field of the `property_*` segments. */
  property?: string;
  filters: Filter[];
}

export interface Breakdown {
  name: string;
}

/** A chart request whose shape the HTTP layer has validated; names and values are checked here. */
export interface ChartQuery {
  projectId: string;
  /** IANA name, e.g. `Europe/Berlin`: buckets and calendar ranges follow it. */
  timezone: string;
  events: SeriesDef[];
  breakdowns: Breakdown[];
  interval: Interval;
  range: RangeInput;
  previous: boolean;
}

/** A half-open instant interval `[start, end)`. */
export interface DateRange {
  start: Date;
  end: Date;
}

/** Statement text plus the values bound to its `{name:Type}` placeholders. */
export interface SqlStatement {
  sql: string;
  params: Record<string, string>;
}

export type Period = 'current' | 'previous';

/**
 * Bounds on what one chart request may ask for. Rows grow as series x groups x buckets, so
 * each factor is capped where the response stops being something a client can draw.
 */
export const CHART_LIMITS = {
  maxSeries: 20,
  maxBreakdowns: 3,
  maxFilters: 50,
  maxFilterValues: 100,
  /** A day of minutes is 1440, a year of hours 8784; a week of minutes is refused. */
  maxBuckets: 10_000,
  /** Breakdown groups kept per series at most, the largest first (fewer when maxValues says so). */
  maxBreakdownGroups: 50,
  /**
   * Values one answer may hold: series x breakdown groups x buckets, the previous period's
   * buckets counted too. A chart is at most a few thousand pixels wide, so 20 lines of a year
   * of hours (175,680 values) is already far more than it can draw; 200,000 values are about
   * 25 MB of JSON with the previous period (~125 bytes a point), built and sent in well under
   * a second, where the unbounded answer (20 series x 50 groups x 8,784 hours x 2) overflowed
   * V8's string limit after 30 s of engine work.
   */
  maxValues: 200_000,
  /** RE2 is linear-time, but compiling a huge pattern still costs memory per query. */
  maxRegexLength: 1_000,
} as const;
