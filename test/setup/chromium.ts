import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's Chromium: browser tests drive it with playwright-core, never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const APT_GET = '/usr/bin/apt-get';

export type ChromiumResult = { path: string } | { skip: string };

/** Long enough for `apt-get update && apt-get install chromium` on a slow mirror. */
export const CHROMIUM_INSTALL_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * Debian's Chromium at /usr/bin/chromium, installed with apt when it is missing. Only a
 * machine with neither (or without the rights to use apt) skips, and says why; a failed
 * install is an error, not a skip.
 */
export async function ensureChromium(): Promise<ChromiumResult> {
  if (existsSync(CHROMIUM_PATH)) return { path: CHROMIUM_PATH };
  if (!existsSync(APT_GET)) return { skip: `${CHROMIUM_PATH} is missing and there is no ${APT_GET} to install it` };
  if (process.getuid?.() !== 0)
    return { skip: `${CHROMIUM_PATH} is missing and installing it with apt needs root (apt-get install chromium)` };

  process.stdout.write(`${CHROMIUM_PATH} is missing: installing Debian's chromium with apt-get\n`);
  // Another test process may be installing it at the same time: wait for dpkg's lock.
  const apt = ['-o', 'DPkg::Lock::Timeout=600', '-qq'];
  const options = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 };
  await run(APT_GET, [...apt, 'update'], options);
  await run(APT_GET, [...apt, 'install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation'], options);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return { path: CHROMIUM_PATH };
}
