import { isPgText, longerThan, PG_TEXT_MESSAGE } from '@app/common';
import { MAX_PROPERTY_DEPTH, nestsDeeperThan } from '@app/common';
import type { GroupUpdate, ProfileUpdate } from './ingest-batch';

/** What is wrong with one field of an item: `path` is relative to the update it belongs to. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

/**
 * Column sizes of libs/database/src/entities (and the migrations): profiles.id, aliases,
 * groups.id / type / name, and the profile fields. PostgreSQL counts characters, so these
 * are checked with `longerThan`.
 */
export const ID_LENGTH = 255;
const PROFILE_FIELD_LENGTHS = { firstName: 255, lastName: 255, email: 320, avatar: 2048 } as const;
const GROUP_NAME_LENGTH = 255;

const TOO_DEEP = `nests deeper than ${MAX_PROPERTY_DEPTH} levels`;

/** An id PostgreSQL keys rows by: no U+0000 or lone surrogate (refused, never cleaned), within its column. */
export function checkId(id: string, path: (string | number)[], max = ID_LENGTH): Problem | undefined {
  if (!isPgText(id)) return { path, message: PG_TEXT_MESSAGE };
  if (longerThan(id, max)) return { path, message: `must not be longer than ${max} characters` };
  return undefined;
}

/** Free text within its column once cleaned: U+0000 does not count, since it is not stored. */
function checkText(text: string | null | undefined, path: string, max: number): Problem | undefined {
  if (typeof text !== 'string' || text.length <= max) return undefined;
  return longerThan(text.includes('\u0000') ? text.replaceAll('\u0000', '') : text, max)
    ? { path: [path], message: `must not be longer than ${max} characters` }
    : undefined;
}

function checkProperties(value: unknown, path: string): Problem | undefined {
  return nestsDeeperThan(value) ? { path: [path], message: TOO_DEEP } : undefined;
}

/** Event properties: the same depth rule as profiles and groups, for every source. */
export function checkEventProperties(properties: unknown): Problem | undefined {
  return checkProperties(properties, 'properties');
}

/**
 * A profile update (identify, `__identify`, `$set`, Segment traits…), checked before anything
 * of its item is written. Free text that passes is cleaned when it is stored (ProfilesService).
 */
export function checkProfileUpdate(u: ProfileUpdate): Problem | undefined {
  return (
    checkId(u.profileId, ['profileId']) ??
    checkText(u.firstName, 'firstName', PROFILE_FIELD_LENGTHS.firstName) ??
    checkText(u.lastName, 'lastName', PROFILE_FIELD_LENGTHS.lastName) ??
    checkText(u.email, 'email', PROFILE_FIELD_LENGTHS.email) ??
    checkText(u.avatar, 'avatar', PROFILE_FIELD_LENGTHS.avatar) ??
    (u.properties ? checkProperties(u.properties, 'properties') : undefined) ??
    (u.propertiesOnce ? checkProperties(u.propertiesOnce, 'propertiesOnce') : undefined)
  );
}

export function checkGroupUpdate(g: GroupUpdate): Problem | undefined {
  return (
    checkId(g.id, ['id']) ??
    checkId(g.type, ['type']) ??
    checkText(g.name, 'name', GROUP_NAME_LENGTH) ??
    (g.properties ? checkProperties(g.properties, 'properties') : undefined)
  );
}

export function checkAlias(profileId: string, alias: string): Problem | undefined {
  return checkId(profileId, ['profileId']) ?? checkId(alias, ['alias']);
}

/** Groups put on a profile: each id is an element of profiles.groups, a varchar(255)[]. */
export function checkGroupIds(profileId: string | undefined, groupIds: readonly string[]): Problem | undefined {
  if (profileId !== undefined) {
    const problem = checkId(profileId, ['profileId']);
    if (problem) return problem;
  }
  for (let i = 0; i < groupIds.length; i++) {
    const problem = checkId(groupIds[i], ['groupIds', i]);
    if (problem) return problem;
  }
  return undefined;
}

/** `path.to.field` of a problem, with a prefix, for one-line messages. */
export function describeProblem(problem: Problem, prefix: (string | number)[] = []): string {
  const path = [...prefix, ...problem.path];
  return `${path.length > 0 ? path.join('.') : 'value'} ${problem.message}`;
}
