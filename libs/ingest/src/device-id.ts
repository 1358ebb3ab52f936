import { hash } from 'node:crypto';
import { normalizeIp } from './geo';

export interface DeviceSalts {
  /** Today's salt. */
  current: string;
  /** Yesterday's salt, still honoured so a visit spanning midnight stays one device. */
  previous?: string;
}

export interface DeviceIdInput {
  projectId: string;
  ip: string;
  userAgent: string;
  salts: DeviceSalts;
  /** An id the client chose (`__deviceId`, a wire format's anonymous id); wins over the hash. */
  explicit?: string | null;
}

export interface DeviceIds {
  deviceId: string;
  /** The id under yesterday's salt, to find a session that began before the rotation; null when there is none. */
  previousDeviceId: string | null;
  /** True when `deviceId` is the client's own id rather than a hash. */
  explicit: boolean;
}

/** Longer client ids are ignored rather than cut, so two long ids cannot collide. */
export const MAX_EXPLICIT_DEVICE_ID_LENGTH = 128;

/**
 * A cookieless device id: sha256 over salt, user agent, IP and project, in hex. The salt
 * rotates daily so ids cannot be joined across days or recomputed from a leaked IP alone; the
 * project is part of the input so one visitor has unrelated ids in different projects.
 * Fields are NUL-separated so that moving characters between them changes the hash.
 */
export function hashDeviceId(salt: string, userAgent: string, ip: string, projectId: string): string {
  // The one-shot digest costs far less per event than building a Hash object (bench/README).
  return hash('sha256', `${salt}\u0000${userAgent}\u0000${normalizeIp(ip) || ip.trim()}\u0000${projectId}`, 'hex');
}

/** The device id for an event, and its id under the previous salt. */
export function resolveDeviceId(input: DeviceIdInput): DeviceIds {
  const explicit = typeof input.explicit === 'string' ? input.explicit.trim() : '';
  if (explicit !== '' && explicit.length <= MAX_EXPLICIT_DEVICE_ID_LENGTH) {
    // A client-chosen id does not rotate, so there is no "yesterday's" id to look for.
    return { deviceId: explicit, previousDeviceId: null, explicit: true };
  }
  const { salts, userAgent, ip, projectId } = input;
  const deviceId = hashDeviceId(salts.current, userAgent, ip, projectId);
  const previousSalt = salts.previous && salts.previous !== salts.current ? salts.previous : undefined;
  if (!previousSalt) return { deviceId, previousDeviceId: null, explicit: false };
  // Yesterday's id is only needed when today's has no session: hashed on first read.
  let previous: string | undefined;
  return {
    deviceId,
    explicit: false,
    get previousDeviceId() {
      previous ??= hashDeviceId(previousSalt, userAgent, ip, projectId);
      return previous;
    },
  };
}
