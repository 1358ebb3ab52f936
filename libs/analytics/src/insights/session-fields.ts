import { invalid, type Path } from '../errors';
import type { FieldKind, ResolvedField } from '../fields';
import type { ParamBag } from '../params';

/**
 * Session columns a filter of the session-based insights may name, by snake_case name (camelCase
 * aliases are derived). A session's referrer, UTM, geo and device fields are those of its first
 * event. `path` and `origin` are not here: on these routes they mean "the session viewed such a
 * page" (see sessionPageFilter); `entry_path`, `exit_path` and friends read the session itself.
 */
const SESSION_FIELDS: Record<string, { column: string; kind: FieldKind }> = {};
for (const [column, kind] of Object.entries({
  id: 'string',
  device_id: 'string',
  profile_id: 'string',
  entry_origin: 'string',
  entry_path: 'string',
  exit_origin: 'string',
  exit_path: 'string',
  referrer: 'string',
  referrer_name: 'string',
  referrer_type: 'string',
  utm_source: 'string',
  utm_medium: 'string',
  utm_campaign: 'string',
  utm_content: 'string',
  utm_term: 'string',
  country: 'string',
  country_code: 'string',
  region: 'string',
  city: 'string',
  os: 'string',
  os_version: 'string',
  browser: 'string',
  browser_version: 'string',
  device: 'string',
  brand: 'string',
  model: 'string',
  duration: 'number',
  event_count: 'number',
  screen_view_count: 'number',
  is_bounce: 'number',
  revenue: 'number',
  created_at: 'datetime',
  ended_at: 'datetime',
} satisfies Record<string, FieldKind>)) {
  SESSION_FIELDS[column] = { column, kind };
  SESSION_FIELDS[column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] = { column, kind };
}
// The event spelling of a session's id and of the UTM properties a session copies.
SESSION_FIELDS.session_id = SESSION_FIELDS.sessionId = { column: 'id', kind: 'string' };
for (const utm of ['source', 'medium', 'campaign', 'content', 'term'])
  SESSION_FIELDS[`properties.__query.utm_${utm}`] = { column: `utm_${utm}`, kind: 'string' };

/** Field names that select sessions by the pages they viewed rather than by a column. */
export const PAGE_FIELDS: readonly string[] = ['path', 'origin'];

/** Names a session-scope filter accepts, for documentation and error messages. */
export const SESSION_FILTER_FIELDS: readonly string[] = [...PAGE_FIELDS, ...Object.keys(SESSION_FIELDS)];

/**
 * Maps a filter's field to a column of the sessions alias `s`. Anything else is a 400 naming
 * the field: OpenPanel drops filters it does not know silently, which answers a question the
 * client did not ask.
 */
export function resolveSessionField(name: unknown, _bag: ParamBag, path: Path): ResolvedField {
  if (typeof name !== 'string' || name.length === 0) throw invalid(path, 'Required');
  const field = Object.hasOwn(SESSION_FIELDS, name) ? SESSION_FIELDS[name] : undefined;
  if (!field)
    throw invalid(path, `Unknown session field ${JSON.stringify(name)}: sessions can be filtered by path, origin and their own columns`);
  return { sql: `s.${field.column}`, kind: field.kind, profile: false };
}
