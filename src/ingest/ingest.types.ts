/** Who sent a batch of events: decided by the adapter from the authenticated client. */
export interface IngestSource {
  projectId: string;
  /**
   * A secret was presented (server-side sender): bots are counted, `__revenue` is accepted,
   * and the event is not refused for its user agent.
   */
  trusted: boolean;
}

/** What happened to one event. */
export type EventOutcome =
  | { status: 'stored'; eventId: string; deviceId: string; sessionId: string }
  /** The id was already accepted (a retry): nothing new was written. */
  | { status: 'duplicate'; eventId: string; deviceId: string; sessionId: string }
  /** The user agent is a known bot and the sender is not trusted: not counted. */
  | { status: 'bot'; bot: { name: string; type: string } };

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
