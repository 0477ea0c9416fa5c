#!/usr/bin/env bash
# The project's one test command (npm test): brings up what a fresh machine
# lacks (Docker 20.10 and Docker 28 engines, base images, Chromium), then runs
# the whole suite. The engine tests run on Docker 28 with the containerd image
# store; the old-engine subset on 20.10 (see vitest.config.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine-up.sh
node scripts/bundle.mjs
for lab in labs/*/; do node bin/drydock.mjs images "$lab"; done
DRYDOCK_ENGINE28_HOST=$(bash scripts/engine28-up.sh)
export DRYDOCK_ENGINE28_HOST
for lab in labs/*/; do DOCKER_HOST=$DRYDOCK_ENGINE28_HOST node bin/drydock.mjs images "$lab"; done
npx vitest run "$@"
