import { generateSecret, hashSecret, secretFingerprint, verifySecret } from './secret';

describe('client secrets', () => {
  it('hash as salt.hash and verify only the right secret', async () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^sec_[0-9a-f]{40}$/);
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^[0-9a-f]{32}\.[0-9a-f]{128}$/);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
    expect(await verifySecret(secret, 'garbage')).toBe(false);
  });
  it('salts each hash and never puts the secret in a cache key', async () => {
    expect(await hashSecret('a')).not.toBe(await hashSecret('a'));
    expect(secretFingerprint('id', 'sec_abc')).not.toContain('sec_abc');
  });
});
