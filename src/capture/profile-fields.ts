import type { ProfileUpdate } from '@app/ingest';
import { str, without } from './capture-context';

/** Trait names (Segment, PostHog `$set`) that fill the profile's own fields. */
const FIELDS = {
  email: ['email', '$email'],
  firstName: ['firstName', 'first_name', '$first_name'],
  lastName: ['lastName', 'last_name', '$last_name'],
  avatar: ['avatar', '$avatar'],
} as const;

const FIELD_KEYS: ReadonlySet<string> = new Set(Object.values(FIELDS).flat());

export interface ProfileChanges {
  /** Merged over the stored properties. */
  set?: Record<string, unknown>;
  /** Set only where the profile has no value yet. */
  setOnce?: Record<string, unknown>;
  unset?: string[];
}

/**
 * A profile update from a sender's traits: `email`, `firstName`/`first_name`, `lastName`/
 * `last_name` and `avatar` fill the profile's fields, everything else its properties.
 */
export function profileUpdate(profileId: string, changes: ProfileChanges): ProfileUpdate {
  const update: ProfileUpdate = { profileId };
  const set = changes.set;
  if (set) {
    for (const [field, keys] of Object.entries(FIELDS) as [keyof typeof FIELDS, readonly string[]][]) {
      for (const key of keys) {
        const value = str(set[key]);
        if (value !== undefined) {
          update[field] = value;
          break;
        }
      }
    }
    const rest = without(set, FIELD_KEYS);
    if (Object.keys(rest).length > 0) update.properties = rest;
  }
  if (changes.setOnce && Object.keys(changes.setOnce).length > 0) update.propertiesOnce = without(changes.setOnce, new Set());
  if (changes.unset && changes.unset.length > 0) update.unset = changes.unset;
  return update;
}
