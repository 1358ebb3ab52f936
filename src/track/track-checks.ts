import {
  checkAlias,
  checkEventProperties,
  checkGroupIds,
  checkGroupUpdate,
  checkId,
  checkProfileUpdate,
  type GroupUpdate,
  type ProfileUpdate,
  type Problem,
} from '@app/ingest';
import type { TrackType } from './track.schema';

/** One /track body, or one item of /track/batch. */
export interface TrackItem {
  type: TrackType;
  payload: Record<string, unknown>;
}

/** A profile id as /track takes it: a string or a number. */
export const idText = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const textOf = (v: unknown) => (typeof v === 'string' ? v : undefined);
const objectOf = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** The profile fields of an `identify` payload, or of an `__identify` object. */
function profileFields(profileId: string, f: Record<string, unknown>): ProfileUpdate {
  return {
    profileId,
    firstName: textOf(f.firstName),
    lastName: textOf(f.lastName),
    email: textOf(f.email),
    avatar: textOf(f.avatar),
    properties: objectOf(f.properties),
  };
}

/**
 * `__identify` on a track event with a profileId: `true` makes sure the profile exists, an
 * object (`firstName`, `lastName`, `email`, `avatar`, `properties`) also updates it.
 */
export function identifyOnTrack(payload: Record<string, unknown>): ProfileUpdate | undefined {
  const profileId = idText(payload.profileId);
  const flag = (payload.properties as Record<string, unknown> | undefined)?.__identify;
  if (!profileId || !flag) return undefined;
  const fields = objectOf(flag);
  return fields ? profileFields(profileId, fields) : { profileId };
}

export function identifyOf(payload: Record<string, unknown>): ProfileUpdate {
  return profileFields(String(payload.profileId), payload);
}

export function groupOf(payload: Record<string, unknown>): GroupUpdate {
  return { id: payload.id as string, type: payload.type as string, name: payload.name as string, properties: objectOf(payload.properties) };
}

function under(prefix: (string | number)[], problem: Problem | undefined): Problem | undefined {
  return problem && { path: [...prefix, ...problem.path], message: problem.message };
}

const PAYLOAD = ['payload'];
const IDENTIFY_ON_TRACK = ['payload', 'properties', '__identify'];

/**
 * What the schema cannot say about an item that passed it, checked before anything of the
 * item is written (so a refused item leaves nothing behind, and nothing to store twice on a
 * retry): the depth of its properties, and the ids and profile or group fields PostgreSQL
 * will hold (@app/ingest's ingest-checks.ts). `path` starts at the item.
 */
export function checkTrackItem(item: TrackItem): Problem | undefined {
  const p = item.payload;
  const depth = under(PAYLOAD, checkEventProperties(p.properties));
  if (depth) return depth;
  const profileId = idText(p.profileId);
  switch (item.type) {
    case 'track': {
      // The event's profile id is looked up in PostgreSQL (aliases) even without `__identify`.
      const idProblem = profileId === undefined ? undefined : under(PAYLOAD, checkId(profileId, ['profileId']));
      if (idProblem) return idProblem;
      const identify = identifyOnTrack(p);
      return identify && under(IDENTIFY_ON_TRACK, checkProfileUpdate(identify));
    }
    case 'identify':
      return under(PAYLOAD, checkProfileUpdate(identifyOf(p)));
    case 'increment':
    case 'decrement':
      return under(PAYLOAD, checkId(String(p.profileId), ['profileId']) ?? checkId(p.property as string, ['property']));
    case 'alias':
      return under(PAYLOAD, checkAlias(String(p.profileId), p.alias as string));
    case 'group':
      return under(PAYLOAD, checkGroupUpdate(groupOf(p)));
    case 'assign_group':
      return under(PAYLOAD, checkGroupIds(profileId, p.groupIds as string[]));
  }
}
