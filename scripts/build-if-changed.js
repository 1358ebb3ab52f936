// `npm start` builds first (prestart). A full `nest build` takes 15 to 35 s on a small machine,
// paid again on every restart although nothing changed: this runs it only when a file the
// build reads is newer than the last successful build (a stamp in dist/), as make would.
// `npm run build` still builds unconditionally.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const INPUTS = [
  'src',
  'libs',
  'ormconfig.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];

/** The newest modification time under `path` (a file, or a directory walked in full). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file changes its directory's time
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...INPUTS.map((p) => newest(join(ROOT, p))));
if (built > changed) {
  console.error('build is up to date (dist/ is newer than every source): not rebuilding');
  process.exit(0);
}
const started = Date.now();
const run = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
console.error(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
