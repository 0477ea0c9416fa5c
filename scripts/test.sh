#!/usr/bin/env bash
# The project's one test command (npm test): brings up what a fresh machine
# lacks (Docker engine, base images, Chromium), then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine-up.sh
# BuildKit's own Dockerfile frontend, built from Debian's packages, for the
# differential test in test/reference/dockerfile-oracle.test.ts (cold: minutes, see the script; warm: under a second).
bash scripts/oracle-up.sh
node scripts/bundle.mjs
for lab in labs/*/; do node bin/drydock.mjs images "$lab"; done
npx vitest run "$@"
