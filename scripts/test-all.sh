#!/usr/bin/env bash
# The whole test suite: types, lint, and every test, including the ones that run the real
# validators Debian ships (cloud-init, haproxy, shellcheck, openssl). Installs those from apt
# when they are missing, so a fresh machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in cloud-init:cloud-init haproxy:haproxy shellcheck:shellcheck openssl:openssl; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing validators from apt: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Fluent Bit and the OpenTelemetry collector have no Debian package: their generated configurations
# are checked against the tools' own schemas instead (tests/collectorConfigs.ts, README: Observability).

[ -d node_modules ] || npm ci --no-audit --no-fund

mkdir -p out node_modules/.cache/homelab
# Types and lint run beside Jest instead of before it: each is one single-threaded process, so run
# one after the other they left one of two cores idle for their ~50 s of CPU. tsc is incremental
# (its build info, git-ignored under node_modules/.cache, records every input file's hash, so an
# unchanged file is not re-checked and a changed one is). ESLint gets no --cache: its cache keys a
# file's result on that file alone, and the type-aware rules (no-floating-promises, Pulumi's
# template-literal rules) also depend on the files it imports, so a cached pass could be stale.
npx tsc --noEmit -p . --incremental --tsBuildInfoFile node_modules/.cache/homelab/tsconfig.tsbuildinfo >out/tsc.log 2>&1 &
tsc_pid=$!
npx eslint . >out/eslint.log 2>&1 &
eslint_pid=$!

status=0
npx jest --json --outputFile=out/jest-results.json || status=$?
# shellcheck disable=SC2016 # a JavaScript template literal, not a shell expansion
node -e '
  const r = require("./out/jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
'
report() { # name, exit status of its wait
  if [ "$2" -eq 0 ]; then echo "$1: ok"; else echo "$1: failed"; status=1; fi
  cat "out/$1.log"
}
tsc_status=0
wait "$tsc_pid" || tsc_status=$?
report tsc "$tsc_status"
eslint_status=0
wait "$eslint_pid" || eslint_status=$?
report eslint "$eslint_status"
exit "$status"
