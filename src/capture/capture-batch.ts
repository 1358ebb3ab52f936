import type { IncomingEvent } from '@app/ingest';
import type { GroupUpdate, ProfileUpdate } from '../ingest';

/** A change an adapter asks for besides storing events, applied in the order sent. */
export type CaptureUpdate =
  | { kind: 'profile'; update: ProfileUpdate }
  /** Later events sent under `alias` belong to `profileId`. */
  | { kind: 'alias'; profileId: string; alias: string }
  | { kind: 'group'; group: GroupUpdate }
  | { kind: 'assign'; profileId: string; groupIds: string[] };

/** What one request of any wire format amounts to. */
export interface CaptureBatch {
  events: IncomingEvent[];
  updates: CaptureUpdate[];
}

export function emptyBatch(): CaptureBatch {
  return { events: [], updates: [] };
}
