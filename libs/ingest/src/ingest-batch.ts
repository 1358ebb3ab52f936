import type { IncomingEvent } from './incoming-event';
import {
  checkAlias,
  checkEventProperties,
  checkGroupIds,
  checkGroupUpdate,
  checkId,
  checkProfileUpdate,
  describeProblem,
  type Problem,
} from './ingest-checks';

/** identify / `$set` / Segment identify. Absent fields are left as they are. */
export interface ProfileUpdate {
  profileId: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  avatar?: string | null;
  /** Merged over the stored properties (`$set`). */
  properties?: Record<string, unknown>;
  /** Set only where the stored profile has no value yet (`$set_once`). */
  propertiesOnce?: Record<string, unknown>;
  /** Properties removed from the profile (`$unset`). */
  unset?: string[];
}

export interface GroupUpdate {
  id: string;
  type: string;
  name: string;
  properties?: Record<string, unknown>;
}

/** A change a source asks for besides storing events, applied in the order sent. */
export type IngestUpdate =
  | { kind: 'profile'; update: ProfileUpdate }
  /** Later events sent under `alias` belong to `profileId`. */
  | { kind: 'alias'; profileId: string; alias: string }
  | { kind: 'group'; group: GroupUpdate }
  /** `isExternal` false when `profileId` is a device id (OpenPanel's assign_group without a profile). */
  | { kind: 'assign'; profileId: string; groupIds: string[]; isExternal?: boolean }
  /** OpenPanel's increment (delta > 0) and decrement (delta < 0) of a numeric profile property. */
  | { kind: 'increment'; profileId: string; property: string; delta: number };

/** An item of the request left out, and why (field names only, never the values). */
export interface DroppedItem {
  index: number;
  reason: string;
}

function checkUpdate(o: IngestUpdate): Problem | undefined {
  switch (o.kind) {
    case 'profile':
      return checkProfileUpdate(o.update);
    case 'alias':
      return checkAlias(o.profileId, o.alias);
    case 'group':
      return checkGroupUpdate(o.group);
    case 'assign':
      return checkGroupIds(o.profileId, o.groupIds);
    case 'increment':
      return checkId(o.profileId, ['profileId']) ?? checkId(o.property, ['property']);
  }
}

function checkEvent(event: IncomingEvent): Problem | undefined {
  return (event.profileId === undefined ? undefined : checkId(event.profileId, ['profileId'])) ?? checkEventProperties(event.properties);
}

/**
 * What one request of any source amounts to: its events, the profile and group changes of
 * its items in the order sent, and the items left out. Adapters build it; IngestService
 * applies it (the changes first, then the events in one durable write). Which item each
 * event and change came from is kept beside them, for the answer of a refused item.
 */
export class IngestBatch {
  readonly events: IncomingEvent[] = [];
  readonly updates: IngestUpdate[] = [];
  readonly dropped: DroppedItem[] = [];
  readonly #eventItems: number[] = [];
  readonly #updateItems: number[] = [];
  /** The event a change comes with, by position in `updates`: see `addUpdate`. */
  readonly #updateEvents: (IncomingEvent | undefined)[] = [];

  /**
   * Adds one item of a request (a PostHog event, a Segment message, a Commanders Act body) with
   * what it asks of profiles and groups, once every part of it passes the rules of the stores
   * (ingest-checks.ts: ids, column lengths, 32 levels of nesting). An item that fails is dropped
   * whole, its event with it: SDKs retry a 5xx forever, so one bad field must neither fail the
   * request nor leave half of its item stored; the rest of the request is stored as usual.
   */
  add(index: number, updates: readonly IngestUpdate[], event?: IncomingEvent): void {
    for (const u of updates) {
      const problem = checkUpdate(u);
      if (problem) {
        this.drop(index, describeProblem(problem, [u.kind]));
        return;
      }
    }
    if (event) {
      const problem = checkEvent(event);
      if (problem) {
        this.drop(index, describeProblem(problem, ['event']));
        return;
      }
      this.addEvent(index, event);
    }
    for (const u of updates) this.addUpdate(index, u);
  }

  /** An event whose item already passed its source's checks. */
  addEvent(index: number, event: IncomingEvent): void {
    this.events.push(event);
    this.#eventItems.push(index);
  }

  /**
   * A change whose item already passed its source's checks. With `event` (/track's
   * `__identify`), the change belongs to that event: when the event is a bot's, it is not
   * counted and its change is not applied either.
   */
  addUpdate(index: number, update: IngestUpdate, event?: IncomingEvent): void {
    this.updates.push(update);
    this.#updateItems.push(index);
    this.#updateEvents.push(event);
  }

  drop(index: number, reason: string): void {
    this.dropped.push({ index, reason });
  }

  /** The item `events[i]` came from. */
  itemOfEvent(i: number): number {
    return this.#eventItems[i];
  }

  /** The item `updates[i]` came from. */
  itemOfUpdate(i: number): number {
    return this.#updateItems[i];
  }

  /** The event `updates[i]` comes with, if any (see `addUpdate`). */
  eventOfUpdate(i: number): IncomingEvent | undefined {
    return this.#updateEvents[i];
  }
}
