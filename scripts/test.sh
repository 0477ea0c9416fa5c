#!/usr/bin/env bash
# The project's one test command (npm test): brings up what a fresh machine
# lacks (Docker 20.10 and Docker 28 engines, base images, Chromium, BuildKit
# oracles), then runs the whole suite. The engine tests run on Docker 28 with
# the containerd image store; the old-engine subset on 20.10 (see vitest.config.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine-up.sh
# BuildKit's own Dockerfile frontend, built from Debian's packages, for the
# differential test in test/reference/dockerfile-oracle.test.ts (cold: the
# longest step, once per machine, see the script; warm: 0.3 s). It is mostly
# downloading and unpacking into roots of its own, so it runs beside the
# engines and base images below rather than before them.
oracle_log=$(mktemp)
bash scripts/oracle-up.sh >"$oracle_log" 2>&1 &
oracle_pid=$!
node scripts/bundle.mjs
for lab in labs/*/; do node bin/drydock.mjs images "$lab"; done
DRYDOCK_ENGINE28_HOST=$(bash scripts/engine28-up.sh)
export DRYDOCK_ENGINE28_HOST
for lab in labs/*/; do DOCKER_HOST=$DRYDOCK_ENGINE28_HOST node bin/drydock.mjs images "$lab"; done
oracle_status=0
wait "$oracle_pid" || oracle_status=$?
cat "$oracle_log" >&2
rm -f "$oracle_log"
if [ "$oracle_status" != 0 ]; then echo "[test] scripts/oracle-up.sh failed (exit $oracle_status)" >&2; exit "$oracle_status"; fi
npx vitest run "$@"
