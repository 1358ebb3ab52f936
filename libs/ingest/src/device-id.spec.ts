import { hashDeviceId, MAX_EXPLICIT_DEVICE_ID_LENGTH, resolveDeviceId } from './device-id';

const base = {
  projectId: 'proj',
  ip: '8.8.8.8',
  userAgent: 'Mozilla/5.0 (Macintosh)',
  salts: { current: 'salt-today', previous: 'salt-yesterday' },
};

describe('hashDeviceId', () => {
  it('is a deterministic sha256 hex digest', () => {
    const id = hashDeviceId('s', 'ua', '8.8.8.8', 'p');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(hashDeviceId('s', 'ua', '8.8.8.8', 'p')).toBe(id);
    // Pinned so a change to the formula (which would split every live device) fails here.
    expect(id).toBe('954c90a74019c62800d1eed38714dcafc32e20635669e743a80742dbc67e4e13');
  });

  it('changes with each input, and with characters moved between inputs', () => {
    const id = hashDeviceId('s', 'ua', '8.8.8.8', 'p');
    expect(hashDeviceId('t', 'ua', '8.8.8.8', 'p')).not.toBe(id);
    expect(hashDeviceId('s', 'ub', '8.8.8.8', 'p')).not.toBe(id);
    expect(hashDeviceId('s', 'ua', '8.8.4.4', 'p')).not.toBe(id);
    expect(hashDeviceId('s', 'ua', '8.8.8.8', 'q')).not.toBe(id);
    expect(hashDeviceId('s', 'uaX', '8.8.8.8', 'p')).not.toBe(hashDeviceId('s', 'ua', 'X8.8.8.8', 'p'));
  });

  it('treats an IPv4-mapped address as the IPv4 address', () => {
    expect(hashDeviceId('s', 'ua', '::ffff:8.8.8.8', 'p')).toBe(hashDeviceId('s', 'ua', '8.8.8.8', 'p'));
  });
});

describe('resolveDeviceId', () => {
  it('gives the id under today and yesterday’s salts', () => {
    expect(resolveDeviceId(base)).toEqual({
      deviceId: hashDeviceId('salt-today', base.userAgent, base.ip, 'proj'),
      previousDeviceId: hashDeviceId('salt-yesterday', base.userAgent, base.ip, 'proj'),
      explicit: false,
    });
  });

  it('recognises yesterday’s device after the salt rotates', () => {
    const yesterday = resolveDeviceId({ ...base, salts: { current: 'salt-yesterday' } });
    const today = resolveDeviceId(base);
    expect(today.previousDeviceId).toBe(yesterday.deviceId);
  });

  it('has no previous id without a distinct previous salt', () => {
    expect(resolveDeviceId({ ...base, salts: { current: 'a' } }).previousDeviceId).toBeNull();
    expect(resolveDeviceId({ ...base, salts: { current: 'a', previous: 'a' } }).previousDeviceId).toBeNull();
  });

  it('lets an explicit device id win', () => {
    expect(resolveDeviceId({ ...base, explicit: ' my-device ' })).toEqual({
      deviceId: 'my-device',
      previousDeviceId: null,
      explicit: true,
    });
  });

  it('ignores empty or oversized explicit ids', () => {
    const hashed = resolveDeviceId(base).deviceId;
    expect(resolveDeviceId({ ...base, explicit: '  ' }).deviceId).toBe(hashed);
    expect(resolveDeviceId({ ...base, explicit: null }).deviceId).toBe(hashed);
    expect(resolveDeviceId({ ...base, explicit: 'x'.repeat(MAX_EXPLICIT_DEVICE_ID_LENGTH + 1) }).deviceId).toBe(hashed);
  });
});
