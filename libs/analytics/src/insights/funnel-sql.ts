import { invalid } from '../errors';
import { compileFilters } from '../filters';
import { ParamBag } from '../params';
import { settingsClause } from '../settings';
import { checkDatabase, fromClause } from '../source';
import type { Filter, SqlStatement } from '../types';
import { currentOf, type InsightScope, scopeParams } from './session-source';
import { INSIGHT_SETTINGS } from './web-sql';

/** OpenPanel's bounds: 2 to 10 steps, a window of 1 to 720 hours (24 by default). */
export const FUNNEL_LIMITS = { minSteps: 2, maxSteps: 10, minWindowHours: 1, maxWindowHours: 720, defaultWindowHours: 24 } as const;

export const FUNNEL_GROUPS = ['session_id', 'profile_id'] as const;
export type FunnelGroup = (typeof FUNNEL_GROUPS)[number];

/** One step: events of this name for which every filter holds. */
export interface FunnelStep {
  name: string;
  filters?: Filter[];
}

export interface FunnelQuery {
  steps: FunnelStep[];
  windowHours: number;
  groupBy: FunnelGroup;
  /** Steps at the same millisecond count in the order of the steps (OpenPanel's FUNNEL_NON_STRICT_ORDERING). */
  nonStrictOrdering: boolean;
}

/** How many (sessions or profiles) reached exactly `level` steps, level 1 and up. */
export interface FunnelLevelRow {
  level: number;
  count: number;
}

/**
 * Time keys of windowFunnel: milliseconds since the window's start, times KEY_SLOTS, plus a slot
 * that orders the rows of one millisecond (one row per step an event matches; see buildFunnelSql).
 * Ten steps fit in 16 slots.
 */
const KEY_SLOTS = 16;
const HOUR_MS = 3_600_000;

/**
 * The funnel of the scope as one statement: per session or per profile, the furthest step
 * reached in order, each step after the previous one and within `windowHours` of the first,
 * counted by level (rows of level 0 are left out).
 *
 * Each event of the window becomes one row per step it matches (the step filters, and the
 * scope's filters on every step), and windowFunnel runs in 'strict_increase' mode on a key of
 * (millisecond, slot). Strict (the default): the slot is 15 − step, so within one millisecond
 * a later step comes first and can never follow an earlier one — same-millisecond steps do
 * not connect, as upstream — while one event matching two consecutive steps (a repeated step:
 * `screen_view` then `screen_view`) extends a chain with its later step before restarting one
 * with its first. On a plain timestamp windowFunnel restarts first and loses the chain, so
 * upstream's funnel with a repeated step never gets past it. Non-strict: the slot is the step,
 * so events of one millisecond chain in step order; an event matching two consecutive steps
 * then counts for both, as in windowFunnel's own non-strict mode.
 *
 * Sessions: an event belongs to its device's latest session starting at or before it, if it
 * falls before that session's end (the ASOF join of pageSessionsSql), so backdated and imported
 * events whose stored session id is empty count in the right session. Profiles: identified
 * events only (profile_id not empty), by the id they carry.
 */
export function buildFunnelSql(database: string, scope: InsightScope, q: FunnelQuery): SqlStatement {
  const db = checkDatabase(database);
  const { minSteps, maxSteps, minWindowHours, maxWindowHours } = FUNNEL_LIMITS;
  if (!Array.isArray(q.steps) || q.steps.length < minSteps || q.steps.length > maxSteps)
    throw invalid(['steps'], `steps must have between ${minSteps} and ${maxSteps} items`);
  if (!Number.isInteger(q.windowHours) || q.windowHours < minWindowHours || q.windowHours > maxWindowHours)
    throw invalid(['windowHours'], `windowHours must be an integer from ${minWindowHours} to ${maxWindowHours}`);
  if (!(FUNNEL_GROUPS as readonly string[]).includes(q.groupBy))
    throw invalid(['groupBy'], `groupBy must be one of ${FUNNEL_GROUPS.join(', ')}`);

  const bag = new ParamBag();
  const { project, start, end } = scopeParams(bag, scope);
  const global = compileFilters(scope.filters, bag, ['filters']);
  let profile = global?.profile ?? false;
  const conditions = q.steps.map((step, i) => {
    if (typeof step?.name !== 'string' || step.name === '') throw invalid(['steps', i, 'name'], 'Expected an event name');
    const own = compileFilters(step.filters, bag, ['steps', i, 'filters']);
    if (own?.profile) profile = true;
    return own ? `(e.name = ${bag.value(step.name)} AND ${own.sql})` : `e.name = ${bag.value(step.name)}`;
  });
  const names = [...new Set(q.steps.map((s) => s.name))].map((n) => bag.value(n));
  const where = [`e.project_id = ${project}`, `e.created_at >= ${start}`, `e.created_at < ${end}`, `e.name IN (${names.join(', ')})`];
  if (global) where.push(global.sql);
  const matched = `arrayFilter(k -> k > 0, [${conditions.map((c, i) => `if(${c}, ${i + 1}, 0)`).join(', ')}])`;
  const events =
    `SELECT e.device_id AS device_id, e.profile_id AS profile_id, e.created_at AS at, ${matched} AS steps ` +
    `${fromClause(db, profile)} WHERE ${where.join(' AND ')}`;

  const grouped =
    q.groupBy === 'profile_id'
      ? `SELECT v.profile_id AS grp, v.at AS at, v.steps AS steps FROM (${events}) AS v WHERE v.profile_id != '' AND notEmpty(v.steps)`
      : `SELECT m.id AS grp, v.at AS at, v.steps AS steps FROM (${events}) AS v ASOF INNER JOIN ${currentOf(
          db,
          [`s.project_id = ${project}`, `s.created_at < ${end}`, `s.ended_at >= ${start}`],
          ['id', 'device_id', 'created_at', 'ended_at'],
        )} AS m ON v.device_id = m.device_id AND v.at >= m.created_at WHERE v.at <= m.ended_at AND v.device_id != '' AND notEmpty(v.steps)`;

  const slot = q.nonStrictOrdering ? 'k' : `${KEY_SLOTS - 1} - k`;
  const key = `toUInt64((toUnixTimestamp64Milli(r.at) - toUnixTimestamp64Milli(${start})) * ${KEY_SLOTS} + (${slot}))`;
  // A step k at exactly windowHours after step 1 is in: its key is at most window × slots
  // past step 1's (strict), or window × slots + 15 (non-strict, where a later step has a higher slot).
  const window = q.windowHours * HOUR_MS * KEY_SLOTS + (q.nonStrictOrdering ? KEY_SLOTS - 1 : 0);
  const funnel =
    `SELECT r.grp AS grp, windowFunnel(${window}, 'strict_increase')(${key}, ${q.steps.map((_, i) => `k = ${i + 1}`).join(', ')}) AS level ` +
    `FROM (${grouped}) AS r ARRAY JOIN r.steps AS k GROUP BY grp`;
  return {
    sql: `SELECT level, count() AS count FROM (${funnel}) WHERE level > 0 GROUP BY level ORDER BY level ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

export interface FunnelStepAnswer {
  step: number;
  eventName: string;
  users: number;
  conversionRateFromStart: number;
  dropoffPercent: number | null;
  isHighestDropoff: boolean;
}

export interface FunnelAnswer {
  steps: FunnelStepAnswer[];
  totalUsers: number;
  completedUsers: number;
  overallConversionRate: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * OpenPanel's figures from the level counts: reaching level k counts for every step up to k;
 * percentages (0 to 100, two decimals) of step 1 and of each step's own users; the highest
 * drop-off is the first step losing the most (by count) to the next, none when no step loses any.
 */
export function funnelAnswer(stepNames: string[], rows: FunnelLevelRow[]): FunnelAnswer {
  const exactly = stepNames.map((_, i) => rows.filter((r) => Number(r.level) === i + 1).reduce((n, r) => n + Number(r.count), 0));
  const users = exactly.map((_, i) => exactly.slice(i).reduce((a, b) => a + b, 0));
  const total = users[0] ?? 0;
  const drops = users.map((u, i) => (i + 1 < users.length ? u - users[i + 1] : 0));
  const worst = Math.max(0, ...drops);
  const worstAt = worst > 0 ? drops.indexOf(worst) : -1;
  const steps = stepNames.map((eventName, i) => ({
    step: i + 1,
    eventName,
    users: users[i],
    conversionRateFromStart: total > 0 ? round2((users[i] / total) * 100) : 0,
    dropoffPercent: i + 1 === users.length ? null : users[i] > 0 ? round2((drops[i] / users[i]) * 100) : 0,
    isHighestDropoff: i === worstAt,
  }));
  const completed = users[users.length - 1] ?? 0;
  return { steps, totalUsers: total, completedUsers: completed, overallConversionRate: total > 0 ? round2((completed / total) * 100) : 0 };
}
