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

npx tsc --noEmit -p .
npx eslint .

mkdir -p out
status=0
npx jest --json --outputFile=out/jest-results.json || status=$?
# shellcheck disable=SC2016 # a JavaScript template literal, not a shell expansion
node -e '
  const r = require("./out/jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
'
exit "$status"
