#!/bin/sh
# The one way a built server is installed and started in production: the Dockerfile runs
# `install` in its runtime stage and `start` as its command, and CI does the same in a scratch
# copy (test/production-start.e2e-spec.ts), so what CI tests is what the image runs.
#
#   scripts/start-production.sh install [npm flags]   production dependencies only, from the lock
#   scripts/start-production.sh start                 the built server (dist/), in the foreground
#
# The directory holding `scripts/` must hold package.json, package-lock.json and dist/ (the
# output of `nest build`); nothing else is read. `npm install` and not `npm ci`: chDB ships
# one package per platform and the lock records only the platform it was written on, which
# `npm ci` calls out of sync elsewhere; `npm install` with the lock installs the same versions.
set -eu
cd "$(dirname "$0")/.."

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  install)
    exec npm install --omit=dev --no-audit --no-fund --no-update-notifier "$@"
    ;;
  start)
    if [ ! -f dist/src/main.js ]; then
      echo "start-production.sh: dist/src/main.js is missing: run 'npm run build' first" >&2
      exit 1
    fi
    # exec: node replaces this shell, so SIGTERM (docker stop, Kubernetes) reaches the server,
    # which drains and exits 0. The flags are `npm start`'s.
    exec node --max-semi-space-size=64 dist/src/main
    ;;
  *)
    echo "usage: $0 install [npm flags] | start" >&2
    exit 2
    ;;
esac
