import { hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 64;

/** A new client secret: `sec_` and 40 random hex characters, shown once. */
export function generateSecret(): string {
  return `sec_${randomBytes(20).toString('hex')}`;
}

/** scrypt hash stored as `salt.hash` in hex. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scryptAsync(secret, salt, KEY_LENGTH);
  return `${salt.toString('hex')}.${derived.toString('hex')}`;
}

/** Constant-time check of `secret` against a stored `salt.hash`. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [saltHex, hashHex] = stored.split('.');
  if (!saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scryptAsync(secret, Buffer.from(saltHex, 'hex'), KEY_LENGTH);
  return timingSafeEqual(actual, expected);
}

/** Cache keys for verified secrets never hold the secret in clear. */
export function secretFingerprint(clientId: string, secret: string): string {
  return hash('sha256', `${clientId}\0${secret}`, 'base64url');
}
